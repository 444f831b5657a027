// RD: what per-listener redaction costs per record. One listener's share of every batch is what
// the gateway builds per permission class: the records it may see, masked by its profile, then
// serialised once (records-encoder). Run here in the runner, on realistic lines (JSON and text
// logs, one in twenty carrying an e-mail address, a bearer token or a key), with no profile and
// with `strict` (every built-in rule of `redaction.mask`), interleaved run by run; the answer is
// ns per record for each and their ratio in the same run, plus the masking step alone.
import { RedactionSettingsSchema } from '@tailgate/config';
import { recordsEvent, type WireRecord } from '@tailgate/contracts';
import { createPluginContext, PluginRegistry } from '@tailgate/plugin-host';
import { silentLogger } from '@tailgate/plugin-sdk';

import { buildClass, filterForClass } from '../apps/gateway/src/streams/permission-classes';
import { NO_MASK, type RecordMask } from '../apps/gateway/src/streams/record-mask';
import { RedactionProfiles } from '../apps/gateway/src/streams/redaction-profiles';
import { PASS } from '../apps/gateway/src/streams/target-access';
import { redactionPlugin } from '../plugins/redaction/src';
import type { BenchSize } from './bench-size';

export interface RedactionResult {
  readonly records: number;
  readonly runs: number;
  /** Median ns per record of filtering, masking and serialising one listener's share. */
  readonly noneNsPerRecord: number;
  readonly strictNsPerRecord: number;
  /** strict ÷ none, per run, median. */
  readonly ratio: number;
  /** The masking step alone (strict), median ns per record. */
  readonly maskNsPerRecord: number;
}

const BATCH = 100;
const TARGET = { ns: 'team-a', pod: 'checkout-api', container: 'api' };
const KEY = `${TARGET.ns}/${TARGET.pod}/${TARGET.container}`;

/** Lines as services write them; every twentieth carries something `strict` masks. */
function lineOf(i: number): string {
  const secrets = [
    `user ${i} signed in as jane.doe${i}@example.com`,
    `GET /v1/orders/${i} Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0${i}`,
    `s3 upload with AKIAIOSFODNN7EXAMPLE part ${i}`,
    `token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIke2l9In0.c2lnbmF0dXJl${i}`,
  ];
  if (i % 20 === 0) return secrets[(i / 20) % secrets.length] as string;
  return i % 2 === 0
    ? `{"level":"info","ts":"2026-12-07T21:00:00.${String(i % 1000).padStart(3, '0')}Z","msg":"request served","path":"/v1/orders/${i}","status":200,"durationMs":${i % 97}}`
    : `2026-12-07T21:00:00Z INFO worker-${i % 8} processed batch ${i} of queue payments in ${i % 53} ms, retries=0`;
}

function batches(records: number): { records: WireRecord[]; keys: string[] }[] {
  const out: { records: WireRecord[]; keys: string[] }[] = [];
  for (let start = 0; start < records; start += BATCH) {
    const batch: WireRecord[] = [];
    for (let i = start; i < Math.min(records, start + BATCH); i++) {
      batch.push({ ts: '2026-12-07T21:00:00.000000000Z', ...TARGET, stream: 'stdout', line: lineOf(i), cursor: `c${i}` });
    }
    out.push({ records: batch, keys: batch.map(() => KEY) });
  }
  return out;
}

/** The `strict` profile as the gateway builds it: the bundled plugin registered by the host, its transform prepared. */
async function strictMask(): Promise<RecordMask> {
  const registry = new PluginRegistry();
  const problems: string[] = [];
  await redactionPlugin.register(createPluginContext(redactionPlugin.id, {}, registry, new Map(), silentLogger, problems));
  const settings = RedactionSettingsSchema.parse({ profiles: { strict: [{ transform: 'redaction.mask' }] }, everyone: ['strict'] });
  const built = RedactionProfiles.build(settings, registry.recordTransforms, { kind: 'none' }, silentLogger);
  if (problems.length > 0 || !built.ok) throw new Error([...problems, ...(built.ok ? [] : built.problems)].join('; '));
  return built.profiles.maskFor({ user: 'bench', groups: [] });
}

/** ns per record of one listener's shares of every batch, and a checksum so nothing is optimised away. */
function timeShares(input: ReturnType<typeof batches>, mask: RecordMask, total: number): { ns: number; bytes: number } {
  const access = new Map([[KEY, { allowed: true as const, predicate: PASS, signature: '[]' }]]);
  const cls = buildClass('k', 'room', { id: '1', order: 'source', access, scopePredicate: PASS, scopeSignature: '', mask }, [KEY]);
  let bytes = 0;
  const started = process.hrtime.bigint();
  for (const { records, keys } of input) {
    const share = filterForClass(records, keys, cls);
    bytes += JSON.stringify(recordsEvent('s', cls.mask.apply(share))).length;
  }
  return { ns: Number(process.hrtime.bigint() - started) / total, bytes };
}

function timeMask(input: ReturnType<typeof batches>, mask: RecordMask, total: number): number {
  let changed = 0;
  const started = process.hrtime.bigint();
  for (const { records } of input) if (mask.apply(records) !== records) changed++;
  const ns = Number(process.hrtime.bigint() - started) / total;
  if (changed === 0) throw new Error('the strict profile masked nothing: the bench measures the wrong thing');
  return ns;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

export async function runRedaction(size: BenchSize, log: (line: string) => void): Promise<RedactionResult> {
  const records = size.name === 'smoke' ? 50_000 : 500_000;
  const runs = size.name === 'smoke' ? 5 : 11;
  const input = batches(records);
  const strict = await strictMask();
  // Warm-up: both paths compiled before anything is measured.
  timeShares(input, NO_MASK, records);
  timeShares(input, strict, records);
  const none: number[] = [];
  const masked: number[] = [];
  const ratios: number[] = [];
  const maskOnly: number[] = [];
  for (let run = 0; run < runs; run++) {
    const a = timeShares(input, NO_MASK, records).ns;
    const b = timeShares(input, strict, records).ns;
    none.push(a);
    masked.push(b);
    ratios.push(b / a);
    maskOnly.push(timeMask(input, strict, records));
  }
  const result: RedactionResult = {
    records,
    runs,
    noneNsPerRecord: Math.round(median(none)),
    strictNsPerRecord: Math.round(median(masked)),
    ratio: Math.round(median(ratios) * 100) / 100,
    maskNsPerRecord: Math.round(median(maskOnly)),
  };
  log(
    `  ${records} records × ${runs} runs, 1 listener: no profile ${result.noneNsPerRecord} ns/record, strict ${result.strictNsPerRecord} ns/record (${result.ratio}×); masking alone ${result.maskNsPerRecord} ns/record`,
  );
  return result;
}
