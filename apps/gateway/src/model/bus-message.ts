// What travels on a stream's bus channel: one message per source event, records already in wire
// form, so every replica decodes a batch once and emits subsets of it as they are. In one process
// the bus hands the message object over as it is (a `BusFrame` that is never serialised); on Redis
// it travels as JSON, and also carries the fencing token of the replica that published it
// (`fence`, written first so receivers can read it without decoding the batch; see fencing-token).
import { type EndReason, TARGET_END_REASONS, type WireRecord, type WireTarget } from '@tailgate/contracts';
import type { LogRecord, TargetRef } from '@tailgate/plugin-sdk';
import { z } from 'zod';

const WireTargetSchema = z.object({ ns: z.string(), pod: z.string(), container: z.string(), node: z.string().optional() });
const WireRecordSchema = WireTargetSchema.extend({
  ts: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  line: z.string(),
  cursor: z.string(),
});

/** Optional: messages of the in-process bus, and of replicas from before leases, have none. */
const FenceSchema = z.number().int().positive().optional();

export const BusMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('records'), records: z.array(WireRecordSchema), fence: FenceSchema }),
  z.discriminatedUnion('op', [
    z.object({ t: z.literal('target'), op: z.literal('added'), target: WireTargetSchema, fence: FenceSchema }),
    z.object({
      t: z.literal('target'),
      op: z.literal('removed'),
      target: WireTargetSchema,
      reason: z.enum(TARGET_END_REASONS).optional(),
      fence: FenceSchema,
    }),
  ]),
  // Records the holder could not publish (the bus was down), sent once it is back.
  z.object({
    t: z.literal('gap'),
    missed: z.array(z.object({ target: WireTargetSchema, count: z.number().int().positive() })).min(1),
    fence: FenceSchema,
  }),
  z.object({ t: z.literal('end'), reason: z.enum(['complete', 'upstream_failed', 'shutdown']), fence: FenceSchema }),
]);
export type BusMessage = z.output<typeof BusMessageSchema>;

/**
 * What a bus channel carries: the message itself on the in-process bus (it never left this
 * process, so it is not checked again), its JSON on Redis (checked field by field on receipt).
 */
export type BusFrame = BusMessage | string;

export function toWireTarget(target: TargetRef): WireTarget {
  const { namespace: ns, pod, container, node } = target;
  return node === undefined ? { ns, pod, container } : { ns, pod, container, node };
}

export function fromWireTarget(target: WireTarget): TargetRef {
  const { ns: namespace, pod, container, node } = target;
  return node === undefined ? { namespace, pod, container } : { namespace, pod, container, node };
}

/** Hot path (once per record): a plain literal, no spreads. */
export function toWireRecord(record: LogRecord): WireRecord {
  const { namespace, pod, container, node } = record.target;
  const { ts, stream, line, cursor } = record;
  return node === undefined
    ? { ts, ns: namespace, pod, container, stream, line, cursor }
    : { ts, ns: namespace, pod, container, node, stream, line, cursor };
}

/** The target a record belongs to, without its other fields. */
export function wireTargetOf(record: WireRecord): WireTarget {
  const { ns, pod, container, node } = record;
  return node === undefined ? { ns, pod, container } : { ns, pod, container, node };
}

export function wireTargetKey(target: WireTarget): string {
  return `${target.ns}/${target.pod}/${target.container}`;
}

/** The target key of each record; a run of records of one target (the usual batch) builds it once. */
export function wireTargetKeys(records: readonly WireRecord[]): string[] {
  const keys = new Array<string>(records.length);
  let last: WireRecord | undefined;
  let key = '';
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as WireRecord;
    if (last === undefined || record.container !== last.container || record.pod !== last.pod || record.ns !== last.ns) {
      key = wireTargetKey(record);
      last = record;
    }
    keys[i] = key;
  }
  return keys;
}

const FENCE_HEAD = '{"fence":';

/** JSON; a message's `fence` goes first (see busMessageFence). */
export function encodeBusMessage(message: BusMessage): string {
  // Hot path (once per batch): the records' JSON in a head written by hand, no copy of the message.
  if (message.t === 'records') {
    const head = message.fence === undefined ? '{' : `${FENCE_HEAD}${message.fence},`;
    return `${head}"t":"records","records":${JSON.stringify(message.records)}}`;
  }
  if (message.fence === undefined) return JSON.stringify(message);
  const { fence, ...rest } = message;
  return `${FENCE_HEAD}${fence},${JSON.stringify(rest).slice(1)}`;
}

/** The fencing token of a frame, read from an encoded one's head without decoding the rest; undefined when it has none. */
export function busMessageFence(raw: BusFrame): number | undefined {
  if (typeof raw !== 'string') return raw.fence;
  if (!raw.startsWith(FENCE_HEAD)) return undefined;
  const end = raw.indexOf(',', FENCE_HEAD.length);
  const fence = end < 0 ? Number.NaN : Number(raw.slice(FENCE_HEAD.length, end));
  return Number.isSafeInteger(fence) && fence > 0 ? fence : undefined;
}

/** The message of a frame; undefined for an encoded one that is not ours (logged by the caller, never delivered). */
export function decodeBusMessage(raw: BusFrame): BusMessage | undefined {
  if (typeof raw !== 'string') return raw;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  // Record batches are the hot path: checked field by field rather than through the schema
  // (same rules, a fraction of the cost); the rare target and end messages use the schema.
  if (isRecordsMessage(value)) {
    noteArrivedJson(raw, value);
    return value;
  }
  const parsed = BusMessageSchema.safeParse(value);
  return parsed.success && parsed.data.t !== 'records' ? parsed.data : undefined;
}

/** Decoded record batches, with their records' JSON as it arrived (see arrivedRecordsJson). */
const arrivedJson = new WeakMap<readonly WireRecord[], string>();
const RECORDS_HEAD = '"t":"records","records":';

/**
 * The JSON of a decoded batch's records, as it arrived on the bus; undefined for a batch that did
 * not arrive encoded, or not in the layout encodeBusMessage writes. A room that gets the whole
 * batch unchanged is sent this text rather than the batch serialised again (one JSON.stringify
 * per batch less on Redis). The batch was checked field by field; its text is what a replica with
 * access to the bus wrote, the same trust as the records themselves.
 */
export function arrivedRecordsJson(records: readonly WireRecord[]): string | undefined {
  return arrivedJson.get(records);
}

function noteArrivedJson(raw: string, message: Extract<BusMessage, { t: 'records' }>): void {
  // `{"fence":N,` or `{` (exactly the fields checked), the records, `}`. A second `"records":`
  // key (JSON.parse keeps the last) would put another array into the slice: such a frame is
  // serialised again instead. Inside a string every quote is escaped, so none matches there.
  const at = message.fence === undefined ? 1 : raw.indexOf(',', FENCE_HEAD.length) + 1;
  const start = at + RECORDS_HEAD.length;
  if (!raw.startsWith(RECORDS_HEAD, at) || !raw.endsWith(']}') || raw.includes('"records":', start)) return;
  arrivedJson.set(message.records, raw.slice(start, -1));
}

function isRecordsMessage(value: unknown): value is Extract<BusMessage, { t: 'records' }> {
  const message = value as { t?: unknown; records?: unknown; fence?: unknown } | null;
  if (message?.t !== 'records' || !Array.isArray(message.records)) return false;
  const fields = message.fence === undefined ? 2 : isFence(message.fence) ? 3 : -1;
  if (Object.keys(message).length !== fields) return false;
  return (message.records as unknown[]).every(isWireRecord);
}

function isFence(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

const WIRE_RECORD_FIELDS = 8;

function isWireRecord(value: unknown): value is WireRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const fields = Object.keys(r).length;
  return (
    typeof r.ts === 'string' &&
    typeof r.ns === 'string' &&
    typeof r.pod === 'string' &&
    typeof r.container === 'string' &&
    (r.stream === 'stdout' || r.stream === 'stderr') &&
    typeof r.line === 'string' &&
    typeof r.cursor === 'string' &&
    (r.node === undefined ? fields === WIRE_RECORD_FIELDS - 1 : typeof r.node === 'string' && fields === WIRE_RECORD_FIELDS)
  );
}

export type UpstreamEndReason = Extract<EndReason, 'complete' | 'upstream_failed' | 'shutdown'>;
