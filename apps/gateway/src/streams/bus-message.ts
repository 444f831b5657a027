// What travels on a stream's bus channel: one JSON message per source event, records already
// in wire form, so every replica decodes a batch once and emits subsets of it as they are.
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

export const BusMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('records'), records: z.array(WireRecordSchema) }),
  z.discriminatedUnion('op', [
    z.object({ t: z.literal('target'), op: z.literal('added'), target: WireTargetSchema }),
    z.object({ t: z.literal('target'), op: z.literal('removed'), target: WireTargetSchema, reason: z.enum(TARGET_END_REASONS).optional() }),
  ]),
  z.object({ t: z.literal('end'), reason: z.enum(['complete', 'upstream_failed', 'shutdown']) }),
]);
export type BusMessage = z.output<typeof BusMessageSchema>;

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

export function encodeBusMessage(message: BusMessage): string {
  return JSON.stringify(message);
}

/** Undefined for a message that is not ours (logged by the caller, never delivered). */
export function decodeBusMessage(raw: string): BusMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  // Record batches are the hot path: checked field by field rather than through the schema
  // (same rules, a fraction of the cost); the rare target and end messages use the schema.
  if (isRecordsMessage(value)) return value;
  const parsed = BusMessageSchema.safeParse(value);
  return parsed.success && parsed.data.t !== 'records' ? parsed.data : undefined;
}

function isRecordsMessage(value: unknown): value is Extract<BusMessage, { t: 'records' }> {
  const message = value as { t?: unknown; records?: unknown } | null;
  if (message?.t !== 'records' || !Array.isArray(message.records) || Object.keys(message).length !== 2) return false;
  return (message.records as unknown[]).every(isWireRecord);
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
