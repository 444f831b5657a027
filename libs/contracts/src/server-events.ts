// Server → client events. Records always travel in batches.

/** One log line as a client receives it. */
export interface WireRecord {
  /** RFC 3339 with nanoseconds when the source has them. */
  readonly ts: string;
  readonly ns: string;
  readonly pod: string;
  readonly container: string;
  readonly node?: string;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
  /** Opaque; send it back as `resume` to continue after this record. */
  readonly cursor: string;
}

/** A container (or node) whose records a subscription may carry. */
export interface WireTarget {
  readonly ns: string;
  readonly pod: string;
  readonly container: string;
  readonly node?: string;
}

/** What a subscription could reveal, as the authorizers judged it. */
export interface ScopeView {
  readonly ns?: string;
  readonly pod?: string;
  readonly container?: string;
  readonly node?: string;
  readonly labelSelector?: string;
}

export interface SourceDescription {
  /** `<pluginId>.<sourceName>` — the `source` of a subscribe request. */
  readonly id: string;
  readonly description: string;
  /** JSON Schema (draft 2020-12) of the `selector` this source accepts. */
  readonly selector: Readonly<Record<string, unknown>>;
  readonly supports: { readonly tail: boolean; readonly since: boolean; readonly resume: boolean };
}

export type EndReason = 'complete' | 'unsubscribed' | 'upstream_failed' | 'access_revoked' | 'unauthenticated' | 'shutdown';
export const END_REASONS = [
  'complete',
  'unsubscribed',
  'upstream_failed',
  'access_revoked',
  'unauthenticated',
  'shutdown',
] as const satisfies readonly EndReason[];

export interface RecordsEvent {
  readonly sub: string;
  readonly batch: readonly WireRecord[];
}
/**
 * Why a target stopped streaming: its container ran to completion (`completed`), its pod is gone
 * (`deleted`), or the source gave up on it (`failed`). Sources that cannot tell send no reason.
 */
export type TargetEndReason = 'completed' | 'deleted' | 'failed';
export const TARGET_END_REASONS = ['completed', 'deleted', 'failed'] as const satisfies readonly TargetEndReason[];

export type TargetEvent =
  | { readonly sub: string; readonly op: 'added'; readonly target: WireTarget }
  | { readonly sub: string; readonly op: 'removed'; readonly target: WireTarget; readonly reason?: TargetEndReason };
/**
 * Why a listener may not read a target, as clients are told: the authorizers said no
 * (`forbidden`), or one of them could not answer and the server denied to be safe
 * (`unavailable`; it decides again at the next re-check). The detailed reason stays on the server.
 */
export type DeniedReason = 'forbidden' | 'unavailable';
export const DENIED_REASONS = ['forbidden', 'unavailable'] as const satisfies readonly DeniedReason[];

/** A target the listener may not read, named because it could learn the name from Kubernetes itself. */
export interface DeniedEvent {
  readonly sub: string;
  readonly target: WireTarget;
  readonly reason: DeniedReason;
}
/** How many targets of the subscription the listener may not read and may not learn the names of. */
export interface HiddenEvent {
  readonly sub: string;
  readonly count: number;
}
export interface DroppedEvent {
  readonly sub: string;
  readonly count: number;
}
/**
 * Why records of a subscription may be missing at a `gap`: the gateways lost their bus (Redis)
 * for a while (`bus_interrupted`), the replica running the stream went away and its successor
 * cannot read back what it had not sent (`takeover`), or a `resume` reaches back further than the
 * server still holds (`resume_incomplete`).
 */
export type GapReason = 'bus_interrupted' | 'takeover' | 'resume_incomplete';
export const GAP_REASONS = ['bus_interrupted', 'takeover', 'resume_incomplete'] as const satisfies readonly GapReason[];

/** How many records of one container a gap lost, where the server knows it. */
export interface GapCount {
  readonly target: WireTarget;
  readonly count: number;
}

export interface GapEvent {
  readonly sub: string;
  readonly reason: GapReason;
  /** Present when the server knows exactly what was lost: per container, how many records. */
  readonly missed?: readonly GapCount[];
}
export interface EndedEvent {
  readonly sub: string;
  readonly reason: EndReason;
}

export interface ServerToClientEvents {
  records: (event: RecordsEvent) => void;
  target: (event: TargetEvent) => void;
  denied: (event: DeniedEvent) => void;
  hidden: (event: HiddenEvent) => void;
  dropped: (event: DroppedEvent) => void;
  gap: (event: GapEvent) => void;
  ended: (event: EndedEvent) => void;
}

export const SERVER_EVENTS = [
  'records',
  'target',
  'denied',
  'hidden',
  'dropped',
  'gap',
  'ended',
] as const satisfies readonly (keyof ServerToClientEvents)[];
