// Client → server events. Every payload is parsed by one of these schemas where it enters the
// gateway; every event takes an acknowledgement callback.
import * as z from 'zod';

import type { WireError } from './error-codes';
import { readSince } from './since';
import type { ScopeView, SourceDescription } from './server-events';

/** Upper bounds that keep one request from costing the server much. */
export const LIMITS = {
  maxSourceIdLength: 128,
  maxSelectorBytes: 16 * 1024,
  maxTail: 10_000,
  maxCursorLength: 512,
  maxSubscriptionIdLength: 64,
  /** Most targets a `resume` object may list. */
  maxResumeTargets: 1_000,
  /** Longest target key (`<ns>/<pod>/<container>`) in a `resume` object. */
  maxTargetKeyLength: 512,
  /** Deepest nesting of objects and arrays in any request argument, checked before any schema. */
  maxPayloadDepth: 32,
} as const;

/** An RFC 3339 date-time with a zone, or a duration back from now with a unit (`30s`, `5m`, `2h`); see readSince. */
export const SinceSchema = z
  .string()
  .max(64)
  .refine((value) => readSince(value) !== undefined, {
    message: 'expected an RFC 3339 date-time with a zone, or a duration such as 5m',
  });

const CursorSchema = z.string().min(1).max(LIMITS.maxCursorLength);

/** `<ns>/<pod>/<container>`, as in a record's `ns`, `pod` and `container`. */
const TargetKeySchema = z
  .string()
  .max(LIMITS.maxTargetKeyLength)
  .regex(/^[^/]+\/[^/]+\/[^/]+$/, { message: 'expected <ns>/<pod>/<container>' });

/**
 * Where to continue: one cursor for every target, or the last cursor per target key. See
 * docs/protocol.md "Resume".
 */
export const ResumeSchema = z.union([
  CursorSchema,
  z
    .record(TargetKeySchema, CursorSchema)
    .refine((cursors) => Object.keys(cursors).length > 0, { message: 'name at least one target' })
    .refine((cursors) => Object.keys(cursors).length <= LIMITS.maxResumeTargets, {
      message: `at most ${LIMITS.maxResumeTargets} targets`,
    }),
]);
export type Resume = z.infer<typeof ResumeSchema>;

/** How records of different targets are interleaved; see docs/protocol.md "Ordering". */
export const RECORD_ORDERS = ['source', 'time'] as const;
export type RecordOrder = (typeof RECORD_ORDERS)[number];

export const SubscribeRequestSchema = z
  .strictObject({
    /** `<pluginId>.<sourceName>`, as listed by `sources.list`. */
    source: z.string().min(1).max(LIMITS.maxSourceIdLength),
    /** Parsed by the source's own selector schema. */
    selector: z.unknown().default({}),
    since: SinceSchema.optional(),
    tail: z.number().int().min(0).max(LIMITS.maxTail).optional(),
    follow: z.boolean().default(true),
    /** What the client received last; excludes `tail` and `since`. */
    resume: ResumeSchema.optional(),
    order: z.enum(RECORD_ORDERS).default('source'),
  })
  .refine((request) => request.resume === undefined || (request.tail === undefined && request.since === undefined), {
    message: 'resume cannot be combined with tail or since',
    path: ['resume'],
  });
export type SubscribeRequest = z.input<typeof SubscribeRequestSchema>;
export type ParsedSubscribeRequest = z.output<typeof SubscribeRequestSchema>;

export const UnsubscribeRequestSchema = z.strictObject({
  id: z.string().min(1).max(LIMITS.maxSubscriptionIdLength),
});
export type UnsubscribeRequest = z.infer<typeof UnsubscribeRequestSchema>;

export const SourcesListRequestSchema = z.strictObject({}).optional();

export type Ack<T extends object> = ({ readonly ok: true } & T) | { readonly ok: false; readonly error: WireError };

export interface SubscribeResult {
  /** Subscription id; every server event about this subscription carries it as `sub`. */
  readonly id: string;
  readonly scope: readonly ScopeView[];
}

export interface SourcesListResult {
  readonly sources: readonly SourceDescription[];
}

export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack: (result: Ack<SubscribeResult>) => void) => void;
  unsubscribe: (request: UnsubscribeRequest, ack: (result: Ack<object>) => void) => void;
  'sources.list': (request: Record<string, never>, ack: (result: Ack<SourcesListResult>) => void) => void;
}

export const CLIENT_EVENTS = ['subscribe', 'unsubscribe', 'sources.list'] as const satisfies readonly (keyof ClientToServerEvents)[];
