import { describe, expect, it } from 'vitest';

import { ContainerLogDecoder, TRUNCATED_LINE_MARKER, utf8PrefixLength } from './container-log-decoder';

const target = { namespace: 'acme', pod: 'web-0', container: 'app' };
const TS = '2024-05-01T10:00:00Z';

function decodeAll(decoder: ContainerLogDecoder, lines: readonly string[]) {
  return lines.flatMap((line) => decoder.decode(Buffer.from(line)) ?? []);
}

describe('ContainerLogDecoder', () => {
  it('reassembles P entries up to the F entry, per stream, with the final entry’s timestamp', () => {
    const decoder = new ContainerLogDecoder(target, 1024);
    const records = decodeAll(decoder, [
      `${TS} stdout P hel`,
      `${TS} stderr F oops`,
      `${TS} stdout P lo `,
      '2024-05-01T10:00:01Z stdout F world',
    ]);
    expect(records.map((r) => [r.stream, r.line, r.ts])).toEqual([
      ['stderr', 'oops', TS],
      ['stdout', 'hello world', '2024-05-01T10:00:01Z'],
    ]);
    expect(records[0]).toMatchObject({ target, cursor: '01714557600000000000-0000000000' });
  });

  it('reassembles a character split across partial entries', () => {
    const bytes = Buffer.from('grüße');
    const decoder = new ContainerLogDecoder(target, 1024);
    decoder.decode(Buffer.concat([Buffer.from(`${TS} stdout P `), bytes.subarray(0, 3)]));
    const record = decoder.decode(Buffer.concat([Buffer.from(`${TS} stdout F `), bytes.subarray(3)]));
    expect(record?.line).toBe('grüße');
  });

  it('turns invalid UTF-8 into U+FFFD instead of failing', () => {
    const decoder = new ContainerLogDecoder(target, 1024);
    const line = Buffer.concat([Buffer.from(`${TS} stdout F ok `), Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]), Buffer.from(' end')]);
    expect(decoder.decode(line)?.line).toBe('ok \ufffd\ufffd(\ufffd end');
  });

  it('skips and counts malformed lines', () => {
    const decoder = new ContainerLogDecoder(target, 1024);
    const records = decodeAll(decoder, ['not cri', `${TS} stdout F ok`, `${TS} stdin F no`]);
    expect(records.map((r) => r.line)).toEqual(['ok']);
    expect(decoder.counts).toEqual({ malformed: 2, truncated: 0 });
  });

  it('caps lines longer than maxLineBytes with the marker, single or reassembled, and counts them', () => {
    const decoder = new ContainerLogDecoder(target, 8);
    const records = decodeAll(decoder, [
      `${TS} stdout F 0123456789`,
      `${TS} stdout P 01234`,
      `${TS} stdout P 56789`,
      `${TS} stdout F ab`,
      `${TS} stdout F 01234567`,
    ]);
    const capped = `01234567${TRUNCATED_LINE_MARKER}`;
    expect(records.map((r) => r.line)).toEqual([capped, capped, '01234567']);
    expect(decoder.counts).toEqual({ malformed: 0, truncated: 2 });
  });

  it('caps at a character boundary and counts a line cut before it arrived', () => {
    const decoder = new ContainerLogDecoder(target, 6);
    expect(decoder.decode(Buffer.from(`${TS} stdout F aaaaaé`))?.line).toBe(`aaaaa${TRUNCATED_LINE_MARKER}`);
    expect(decoder.decode(Buffer.from(`${TS} stdout F short`), true)?.line).toBe(`short${TRUNCATED_LINE_MARKER}`);
    expect(decoder.counts.truncated).toBe(2);
  });
});

describe('utf8PrefixLength', () => {
  it('never ends inside a character', () => {
    const bytes = Buffer.from('a€b');
    expect([0, 1, 2, 3, 4, 5, 9].map((max) => utf8PrefixLength(bytes, max))).toEqual([0, 1, 1, 1, 4, 5, 5]);
  });
});
