import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { SHIPPER_BODIES, shipperBodyBytes } from '../../../../test/fixtures/flow-tap/shipper-bodies';
import { SHIPPER_FRAMINGS } from '../../../../test/fixtures/flow-tap/shipper-framings';
import type { IngestRecord } from './ingest-record';
import { parseIngestBody } from './parse-ingest-body';

const LIMITS = { maxRecords: 50_000, maxLineBytes: 16 * 1024 * 1024 };
const KUBERNETES = { namespace_name: 'production', pod_name: 'acme-app-7d4b9c-abcde', container_name: 'app' };
const POD = { namespace: 'production', pod: 'acme-app-7d4b9c-abcde', container: 'app' };

const parse = (text: string | Buffer) => parseIngestBody(typeof text === 'string' ? Buffer.from(text) : text, LIMITS);

describe('parseIngestBody', () => {
  describe.each(SHIPPER_BODIES)('$name', (shipper) => {
    it('yields every record of the exact body, and counts the dropped ones', () => {
      expect(parse(shipperBodyBytes(shipper.file))).toEqual({ ok: true, records: shipper.records, dropped: shipper.dropped });
    });
  });

  it('keeps the captured framing of the fixtures byte for byte', () => {
    const bytes = (file: string): Buffer => shipperBodyBytes(file);
    // §6.3: Content-Length 611 (json_array) and 608 (ndjson); §6.4: 438 (syslog-ng array).
    expect(bytes('fluentd-json-array.txt')).toHaveLength(611);
    expect(bytes('fluentd-ndjson.txt')).toHaveLength(608);
    expect(bytes('syslog-ng-array.txt')).toHaveLength(438);
    expect(bytes('fluentd-json-array.txt').toString()).toMatch(/^\[\{.*\}\n,\{.*\}\n\]$/s);
    expect(bytes('fluentd-ndjson.txt').toString()).toMatch(/^\{.*\}\n\{.*\}\n$/s);
    expect(bytes('syslog-ng-array.txt').toString()).toMatch(/^\[\{.*\},\{.*\}\]$/s);
    expect(bytes('syslog-ng-lines.txt').toString()).toMatch(/^\{.*\}\n\{.*\}$/s);
    expect(bytes('fluent-bit-json.txt').toString()).toMatch(/^\[\{"date":[\d.]+,.*\}\]$/s);
    expect(bytes('fluent-bit-json-lines.txt').toString()).toMatch(/^(\{"date":[^\n]*\}\n){3}$/);
    expect(bytes('fluent-bit-json-stream.txt').toString()).toMatch(/^\{"date":.*\}\{"date":.*\}\{"date":.*\}$/s);
  });

  it('accepts an empty body, a blank one and an empty array as no records', () => {
    for (const text of ['', '\n', '[]', ' [ ]\r\n'])
      expect(parse(text), JSON.stringify(text)).toEqual({ ok: true, records: [], dropped: {} });
  });

  it('skips a byte order mark', () => {
    expect(parse(`\uFEFF{"log":"x","kubernetes":${JSON.stringify(KUBERNETES)}}`)).toMatchObject({ ok: true, records: [{ line: 'x' }] });
  });

  it('reads invalid UTF-8 as replacement characters', () => {
    const body = Buffer.concat([
      Buffer.from('{"log":"a'),
      Buffer.from([0xff, 0xc3, 0x28]),
      Buffer.from(`b","kubernetes":${JSON.stringify(KUBERNETES)}}`),
    ]);
    expect(parse(body)).toEqual({ ok: true, records: [{ ...POD, stream: 'stdout', line: 'a\uFFFD\uFFFD(b' }], dropped: {} });
  });

  it('refuses the whole body when any record is invalid, however many came before', () => {
    const good = `{"log":"x","kubernetes":${JSON.stringify(KUBERNETES)}}`;
    expect(parse(`${good}\n${good}\n{"log":tru}\n`)).toEqual({
      ok: false,
      status: 400,
      code: 'malformed_json',
      reason: 'record 3 is not valid JSON',
    });
    expect(parse(`[${good}\n,${good}\n,${good}`)).toMatchObject({ ok: false, status: 400, code: 'malformed_json' });
    expect(parse(`${good}\n"just a string"\n`)).toMatchObject({ ok: false, status: 400, code: 'not_an_object' });
  });

  it('refuses more records than maxRecords with 413, dropped ones included', () => {
    const body = '{"log":"x"}\n'.repeat(11);
    expect(parseIngestBody(Buffer.from(body), { ...LIMITS, maxRecords: 10 })).toMatchObject({
      ok: false,
      status: 413,
      code: 'too_many_records',
    });
    expect(parseIngestBody(Buffer.from(body), { ...LIMITS, maxRecords: 11 })).toEqual({ ok: true, records: [], dropped: { no_pod: 11 } });
  });

  it('never quotes the body in a reason', () => {
    const secret = 'Bearer eyJhbGciOiJSUzI1NiJ9.secret';
    for (const text of [`{"log":"${secret}",}`, `["${secret}"]`, `${secret}`, `{"log":"${secret}`, `[{"log":"${secret}"} x]`]) {
      const result = parse(text);
      expect(result.ok, text).toBe(false);
      expect(JSON.stringify(result)).not.toContain('secret');
    }
  });

  it('round-trips random valid records through every shipper framing', () => {
    fc.assert(
      fc.property(recordSets, fc.constantFrom(...Object.keys(SHIPPER_FRAMINGS)), (records, framingName) => {
        const framing = SHIPPER_FRAMINGS[framingName]!;
        const body = framing.frame(records.map((record) => JSON.stringify(bodyObject(record, framing.dateFirst))));
        expect(parse(body)).toEqual({ ok: true, records: records.map((record) => expectedRecord(record, framing.dateFirst)), dropped: {} });
      }),
    );
  });

  it('refuses every truncation of an array body', () => {
    fc.assert(
      fc.property(
        recordSets.filter((records) => records.length > 0),
        fc.constantFrom('fluentd json_array', 'syslog-ng array', 'fluent-bit json'),
        fc.nat(),
        (records, framingName, cutSeed) => {
          const framing = SHIPPER_FRAMINGS[framingName]!;
          const body = Buffer.from(framing.frame(records.map((record) => JSON.stringify(bodyObject(record, framing.dateFirst)))));
          // Anything from the opening bracket to all but the closing one.
          const cut = body.subarray(0, 1 + (cutSeed % (body.length - 1)));
          expect(parseIngestBody(cut, LIMITS)).toMatchObject({ ok: false, status: 400 });
        },
      ),
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }).map((text) => Buffer.from(text)),
        ),
        (bytes) => {
          const result = parseIngestBody(Buffer.from(bytes), LIMITS);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
    );
  });
});

interface GeneratedRecord {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly stream: 'stdout' | 'stderr';
  readonly messageKey: 'message' | 'log' | 'MESSAGE';
  readonly message: string;
  /** Epoch seconds, microseconds and the nanoseconds past them. */
  readonly instant: readonly [number, number, number];
  readonly hasTime: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
const recordSets = fc.array(
  fc.record<GeneratedRecord>({
    namespace: dnsLabel,
    pod: dnsLabel,
    container: dnsLabel,
    stream: fc.constantFrom('stdout', 'stderr'),
    messageKey: fc.constantFrom('message', 'log', 'MESSAGE'),
    message: fc.string({ unit: 'binary', maxLength: 80 }),
    instant: fc.tuple(fc.integer({ min: 0, max: 4_102_444_800 }), fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 999 })),
    hasTime: fc.boolean(),
    labels: fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
  }),
  { maxLength: 8 },
);

function bodyObject(record: GeneratedRecord, dateFirst: boolean): Record<string, unknown> {
  const [seconds, micros] = record.instant;
  return {
    ...(dateFirst ? { date: seconds + micros / 1e6 } : {}),
    ...(record.hasTime ? { time: timeText(record, 9) } : {}),
    stream: record.stream,
    [record.messageKey]: record.message,
    kubernetes: { pod_name: record.pod, namespace_name: record.namespace, container_name: record.container, labels: record.labels },
  };
}

function expectedRecord(record: GeneratedRecord, dateFirst: boolean): IngestRecord {
  const line = record.message.endsWith('\n') ? record.message.slice(0, -1) : record.message;
  const base = { namespace: record.namespace, pod: record.pod, container: record.container, stream: record.stream, line };
  if (record.hasTime) return { ...base, time: timeText(record, 9) };
  return dateFirst ? { ...base, time: timeText(record, 6) } : base;
}

/** The instant as RFC 3339 UTC with nine fraction digits, the last `9 - digits` of them zero. */
function timeText({ instant: [seconds, micros, nanos] }: GeneratedRecord, digits: 6 | 9): string {
  const fraction = `${String(micros).padStart(6, '0')}${digits === 9 ? String(nanos).padStart(3, '0') : '000'}`;
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}
