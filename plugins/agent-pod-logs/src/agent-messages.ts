// The agent protocol's messages, parsed once where they enter (the agent parses demand, the
// gateway parses what agents send). Demand names a stream run, the containers it covers (by
// namespace, pod and container name, optionally one node) and the filter the agent applies; it
// lasts `ttlMs` unless renewed, so a gateway that dies leaves no tail behind. Everything an agent
// sends names its node, so the gateway can check a target's node against the apiserver's binding.
import type { LogRecord, TargetRef } from '@tailgate/plugin-sdk';
import { unsafePatternReason } from '@tailgate/plugin-sdk';
import { z } from 'zod';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const label = (what: string) => z.string().max(63).regex(DNS1123_LABEL, `${what} must be a DNS-1123 label`);
export const subdomain = (what: string) => z.string().max(253).regex(DNS1123_SUBDOMAIN, `${what} must be a DNS-1123 subdomain`);

/** Most include (or exclude) patterns one subscription may give. */
export const MAX_PATTERNS = 10;

const pattern = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    const reason = unsafePatternReason(value);
    if (reason !== undefined) ctx.addIssue({ code: 'custom', message: `pattern refused: ${reason}` });
  });
const patterns = (what: string) => z.array(pattern).min(1).max(MAX_PATTERNS).describe(what);

export const LineFilterSchema = z.strictObject({
  stream: z.enum(['stdout', 'stderr']).optional().describe('Only this stream of the containers; both when absent.'),
  include: patterns('Keep only lines matching any of these regular expressions (checked on the node).').optional(),
  exclude: patterns('Leave out lines matching any of these regular expressions (checked on the node).').optional(),
});

export const ContainerSelectorSchema = z.strictObject({
  namespace: label('namespace').optional(),
  pod: subdomain('pod').optional(),
  container: label('container').optional(),
});
export type ContainerSelector = z.output<typeof ContainerSelectorSchema>;

/** A stream run: 128 random bits, hex. */
const RunIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'a run id is 32 hex digits');

/** Bounds of a demand's lifetime: renewals come well within it. */
export const MIN_DEMAND_TTL_MS = 1_000;
export const MAX_DEMAND_TTL_MS = 60_000;
/** Most backlog pages granted at once. */
export const MAX_CREDIT = 16;

export const DemandMessageSchema = z.discriminatedUnion('t', [
  z.strictObject({
    v: z.literal(1),
    t: z.literal('demand'),
    run: RunIdSchema,
    /** Only the agent of this node serves it; every agent when absent. */
    node: subdomain('node').optional(),
    selector: ContainerSelectorSchema,
    filter: LineFilterSchema,
    ttlMs: z.number().int().min(MIN_DEMAND_TTL_MS).max(MAX_DEMAND_TTL_MS),
  }),
  z.strictObject({ v: z.literal(1), t: z.literal('release'), run: RunIdSchema }),
  /** Every agent answers on AGENTS_CHANNEL (a gateway that just started learns who is there). */
  z.strictObject({ v: z.literal(1), t: z.literal('roll-call') }),
  /** Records the containers' files still hold, read a page per credit; `run` names the request. */
  z.strictObject({
    v: z.literal(1),
    t: z.literal('backlog'),
    run: RunIdSchema,
    node: subdomain('node').optional(),
    selector: ContainerSelectorSchema,
    filter: LineFilterSchema,
    window: z.strictObject({
      tail: z.number().int().min(0).max(100_000).optional(),
      /** 20-digit epoch nanoseconds; records at or after it. */
      sinceNanos: z
        .string()
        .regex(/^\d{20}$/)
        .optional(),
      after: z
        .strictObject({
          byTarget: z
            .record(z.string().max(512), z.string().max(512))
            .refine((m) => Object.keys(m).length <= 1_000, 'at most 1000 cursors'),
          otherwise: z.string().max(512).optional(),
        })
        .optional(),
    }),
    /** Pages the agent may send before the next credit. */
    credit: z.number().int().min(1).max(MAX_CREDIT),
    ttlMs: z.number().int().min(MIN_DEMAND_TTL_MS).max(MAX_DEMAND_TTL_MS),
  }),
  z.strictObject({
    v: z.literal(1),
    t: z.literal('credit'),
    run: RunIdSchema,
    node: subdomain('node'),
    pages: z.number().int().min(1).max(MAX_CREDIT),
  }),
  z.strictObject({ v: z.literal(1), t: z.literal('cancel'), run: RunIdSchema, node: subdomain('node') }),
]);
export type DemandMessage = z.output<typeof DemandMessageSchema>;
export type Demand = Extract<DemandMessage, { t: 'demand' }>;
export type BacklogRequest = Extract<DemandMessage, { t: 'backlog' }>;

/** Why an agent did not serve (all of) a demand. */
export type AgentRefusalCode =
  /** The message does not parse or breaks the schema (a pattern of a catastrophic shape included). */
  | 'invalid_demand'
  /** The demand covers more containers than the agent serves for one demand; it serves the first `max`. */
  | 'too_many_containers'
  /** The agent serves as many demands (or backlog reads) as it may; this one is not served. */
  | 'too_many_demands';

/** Why a backlog read ended early: the files could not be read, or the gateway stopped granting credit. */
export type BacklogEndCode = 'unreadable' | 'expired' | 'too_many_demands';

/** `[ts, stream, line, cursor, index of the target in the read's targets]`. */
export type BacklogTuple = readonly [string, 'stdout' | 'stderr', string, string, number];

/** `[ts, stream, line, cursor]`: a record of the message's target. */
export type RecordTuple = readonly [string, 'stdout' | 'stderr', string, string];

export type AgentMessage =
  | { readonly v: 1; readonly t: 'added'; readonly node: string; readonly target: ContainerTarget }
  | { readonly v: 1; readonly t: 'removed'; readonly node: string; readonly target: ContainerTarget; readonly reason?: 'deleted' }
  | { readonly v: 1; readonly t: 'records'; readonly node: string; readonly target: ContainerTarget; readonly records: RecordTuple[] }
  | { readonly v: 1; readonly t: 'refused'; readonly node: string; readonly code: AgentRefusalCode; readonly max?: number }
  | { readonly v: 1; readonly t: 'backlog-targets'; readonly node: string; readonly targets: ContainerTarget[] }
  | { readonly v: 1; readonly t: 'backlog-page'; readonly node: string; readonly records: BacklogTuple[] }
  | { readonly v: 1; readonly t: 'backlog-end'; readonly node: string; readonly code?: BacklogEndCode };

/** On AGENTS_CHANNEL: an agent is there. */
export interface AgentPresence {
  readonly v: 1;
  readonly t: 'agent';
  readonly node: string;
}

export interface ContainerTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

const ContainerTargetSchema = z.strictObject({ namespace: z.string().min(1), pod: z.string().min(1), container: z.string().min(1) });
const NodeSchema = subdomain('node');

const ControlMessageSchema = z.discriminatedUnion('t', [
  z.strictObject({ v: z.literal(1), t: z.literal('added'), node: NodeSchema, target: ContainerTargetSchema }),
  z.strictObject({
    v: z.literal(1),
    t: z.literal('removed'),
    node: NodeSchema,
    target: ContainerTargetSchema,
    reason: z.literal('deleted').optional(),
  }),
  z.strictObject({
    v: z.literal(1),
    t: z.literal('refused'),
    node: NodeSchema,
    code: z.enum(['invalid_demand', 'too_many_containers', 'too_many_demands']),
    max: z.number().int().nonnegative().optional(),
  }),
  z.strictObject({
    v: z.literal(1),
    t: z.literal('backlog-targets'),
    node: NodeSchema,
    targets: z.array(ContainerTargetSchema).max(10_000),
  }),
  z.strictObject({
    v: z.literal(1),
    t: z.literal('backlog-end'),
    node: NodeSchema,
    code: z.enum(['unreadable', 'expired', 'too_many_demands']).optional(),
  }),
]);

const PresenceSchema = z.strictObject({ v: z.literal(1), t: z.literal('agent'), node: NodeSchema });

/** An agent's presence; undefined when the message is not one. */
export function parsePresence(raw: string): AgentPresence | undefined {
  try {
    const parsed = PresenceSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The demand in a message, or the refusal code when it is not one. */
export function parseDemandMessage(raw: string): DemandMessage | { readonly refused: 'invalid_demand'; readonly run?: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { refused: 'invalid_demand' };
  }
  const parsed = DemandMessageSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  // Answer on the run's channel when the run id at least is sound.
  const run = RunIdSchema.safeParse((value as { run?: unknown } | null)?.run);
  return run.success ? { refused: 'invalid_demand', run: run.data } : { refused: 'invalid_demand' };
}

/** An agent's message; undefined when it is not one (dropped and counted by the caller). */
export function parseAgentMessage(raw: string): AgentMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  // Record batches are the hot path: checked field by field; the rare others through the schema.
  if (isRecordsMessage(value)) return value;
  if (isBacklogPage(value)) return value;
  const parsed = ControlMessageSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function isRecordsMessage(value: unknown): value is Extract<AgentMessage, { t: 'records' }> {
  const m = value as Record<string, unknown> | null;
  if (m === null || typeof m !== 'object' || m.v !== 1 || m.t !== 'records' || Object.keys(m).length !== 5) return false;
  if (!NodeSchema.safeParse(m.node).success || !ContainerTargetSchema.safeParse(m.target).success) return false;
  return Array.isArray(m.records) && (m.records as unknown[]).every(isRecordTuple);
}

function isBacklogPage(value: unknown): value is Extract<AgentMessage, { t: 'backlog-page' }> {
  const m = value as Record<string, unknown> | null;
  if (m === null || typeof m !== 'object' || m.v !== 1 || m.t !== 'backlog-page' || Object.keys(m).length !== 4) return false;
  return NodeSchema.safeParse(m.node).success && Array.isArray(m.records) && (m.records as unknown[]).every(isBacklogTuple);
}

function isBacklogTuple(value: unknown): boolean {
  if (!Array.isArray(value) || value.length !== 5) return false;
  const index = (value as unknown[])[4];
  return isRecordTuple(value.slice(0, 4)) && typeof index === 'number' && Number.isSafeInteger(index) && index >= 0;
}

function isRecordTuple(value: unknown): boolean {
  if (!Array.isArray(value) || value.length !== 4) return false;
  const [ts, stream, line, cursor] = value as unknown[];
  return typeof ts === 'string' && (stream === 'stdout' || stream === 'stderr') && typeof line === 'string' && typeof cursor === 'string';
}

export function recordTuple(record: LogRecord): RecordTuple {
  return [record.ts, record.stream, record.line, record.cursor];
}

export function recordOf(tuple: RecordTuple, target: TargetRef): LogRecord {
  return { ts: tuple[0], stream: tuple[1], line: tuple[2], cursor: tuple[3], target };
}
