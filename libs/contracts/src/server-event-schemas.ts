// Exact schemas of everything the server sends: every event, every acknowledgement and the data
// of a `connect_error`. Objects are strict (an unknown key anywhere fails), so a client — and every
// test suite — can check that nothing beyond the contract ever arrives.
import * as z from 'zod';

import { ERROR_CODES } from './error-codes';
import { DENIED_REASONS, END_REASONS, GAP_REASONS, TARGET_END_REASONS } from './server-events';

const Name = z.string().min(1);
const Sub = z.string().min(1);
/** Empty for a node's own logs (see docs/sources/node-logs.md): they belong to no namespace or pod. */
const PodPart = z.string();

export const WireTargetSchema = z.strictObject({ ns: PodPart, pod: PodPart, container: Name, node: Name.optional() });

export const WireRecordSchema = z.strictObject({
  ts: z.string().min(1),
  ns: PodPart,
  pod: PodPart,
  container: Name,
  node: Name.optional(),
  stream: z.enum(['stdout', 'stderr']),
  line: z.string(),
  cursor: z.string().min(1),
});

export const RecordsEventSchema = z.strictObject({ sub: Sub, batch: z.array(WireRecordSchema).min(1) });

export const TargetEventSchema = z.discriminatedUnion('op', [
  z.strictObject({ sub: Sub, op: z.literal('added'), target: WireTargetSchema }),
  z.strictObject({ sub: Sub, op: z.literal('removed'), target: WireTargetSchema, reason: z.enum(TARGET_END_REASONS).optional() }),
]);

export const DeniedEventSchema = z.strictObject({ sub: Sub, target: WireTargetSchema, reason: z.enum(DENIED_REASONS) });

export const HiddenEventSchema = z.strictObject({ sub: Sub, count: z.number().int().positive() });

export const DroppedEventSchema = z.strictObject({ sub: Sub, count: z.number().int().positive() });

export const GapEventSchema = z.strictObject({
  sub: Sub,
  reason: z.enum(GAP_REASONS),
  missed: z.array(z.strictObject({ target: WireTargetSchema, count: z.number().int().positive() })).optional(),
});

export const EndedEventSchema = z.strictObject({ sub: Sub, reason: z.enum(END_REASONS) });

/** One schema per server event, by event name. */
export const SERVER_EVENT_SCHEMAS = {
  records: RecordsEventSchema,
  target: TargetEventSchema,
  denied: DeniedEventSchema,
  hidden: HiddenEventSchema,
  dropped: DroppedEventSchema,
  gap: GapEventSchema,
  ended: EndedEventSchema,
} as const;

/** Details are plain JSON written for clients: strings, numbers, booleans, arrays and objects of them. */
const DetailValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(DetailValue), z.record(z.string(), DetailValue)]),
);

export const WireErrorSchema = z.strictObject({
  code: z.enum(ERROR_CODES),
  message: z.string().min(1),
  details: z.record(z.string(), DetailValue).optional(),
});

export const ErrorAckSchema = z.strictObject({ ok: z.literal(false), error: WireErrorSchema });

const ScopeViewSchema = z.strictObject({
  ns: PodPart.optional(),
  pod: PodPart.optional(),
  container: Name.optional(),
  node: Name.optional(),
  labelSelector: z.string().optional(),
});

const SourceDescriptionSchema = z.strictObject({
  id: Name,
  description: z.string(),
  selector: z.record(z.string(), z.unknown()),
  supports: z.strictObject({ tail: z.boolean(), since: z.boolean(), resume: z.boolean() }),
});

/** Acknowledgements, by request: success or an error with a code. */
export const ACK_SCHEMAS = {
  subscribe: z.union([z.strictObject({ ok: z.literal(true), id: Sub, scope: z.array(ScopeViewSchema) }), ErrorAckSchema]),
  unsubscribe: z.union([z.strictObject({ ok: z.literal(true) }), ErrorAckSchema]),
  'sources.list': z.union([z.strictObject({ ok: z.literal(true), sources: z.array(SourceDescriptionSchema) }), ErrorAckSchema]),
} as const;

export const ConnectErrorDataSchema = z.strictObject({
  code: z.enum(['unauthenticated', 'rate_limited', 'invalid_request', 'internal']),
  message: z.string().min(1),
});
