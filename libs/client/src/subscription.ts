// A live subscription as the caller sees it: one object that is both an async iterator of
// events (records arrive as batches) and a typed event emitter. It outlives connections: after a
// reconnect the client subscribes again with `resume` set to the last cursor of every container,
// so the caller sees every record once, in order per container.
import type {
  DeniedReason,
  EndReason,
  GapCount,
  GapReason,
  RecordOrder,
  Resume,
  ScopeView,
  TargetEndReason,
  WireRecord,
  WireTarget,
} from '@tailgate/contracts';

import type { TailgateError } from './tailgate-error';

export interface SubscribeOptions {
  /** A source id from `sourcesList()`, e.g. `kube-pod-logs.pods`. */
  readonly source: string;
  /** What to stream; the source's selector schema is in `sourcesList()`. */
  readonly selector?: unknown;
  /** Up to this many recent records per container first. Only on the first subscribe. */
  readonly tail?: number;
  /** An RFC 3339 time or a duration (`5m`). Only on the first subscribe. */
  readonly since?: string;
  /** Default true. */
  readonly follow?: boolean;
  /** Where to continue from (cursors saved from an earlier session). */
  readonly resume?: Resume;
  /** Server-side interleaving across containers; default `source`. */
  readonly order?: RecordOrder;
  /**
   * Client-side time merge: hold records up to `windowMs` and pass them on in timestamp order
   * across containers (ties in arrival order). Default off.
   */
  readonly merge?: { readonly windowMs: number };
  /**
   * Most records the async iterator holds for a caller that reads slowly; beyond it the oldest
   * are dropped and a `dropped` event with `by: 'client'` says how many. Default 50,000.
   * (Event listeners are called synchronously and hold nothing.)
   */
  readonly bufferRecords?: number;
}

/** Everything a subscription reports, in stream order. */
export type SubscriptionEvent =
  | { readonly type: 'records'; readonly records: readonly WireRecord[] }
  | { readonly type: 'target'; readonly op: 'added'; readonly target: WireTarget }
  | { readonly type: 'target'; readonly op: 'removed'; readonly target: WireTarget; readonly reason?: TargetEndReason }
  | { readonly type: 'denied'; readonly target: WireTarget; readonly reason: DeniedReason }
  | { readonly type: 'hidden'; readonly count: number }
  | { readonly type: 'dropped'; readonly count: number; readonly by: 'server' | 'client' }
  | { readonly type: 'gap'; readonly reason: GapReason; readonly missed?: readonly GapCount[] }
  /** The connection was lost; the client is reconnecting and will resume. */
  | { readonly type: 'reconnecting'; readonly attempt: number }
  /** Subscribed again after a reconnect, from the last cursors. */
  | { readonly type: 'resumed' }
  /**
   * The subscription is over: the server's end reason, or an error that ended it (a resubscribe
   * refused, reconnecting given up, `close()`). Always the last event.
   */
  | { readonly type: 'ended'; readonly reason: EndReason; readonly error?: undefined }
  | { readonly type: 'ended'; readonly reason?: undefined; readonly error: TailgateError };

export type SubscriptionEventType = SubscriptionEvent['type'];
export type SubscriptionEventOf<T extends SubscriptionEventType> = Extract<SubscriptionEvent, { readonly type: T }>;
export type SubscriptionListener<T extends SubscriptionEventType> = (event: SubscriptionEventOf<T>) => void;

export interface Subscription extends AsyncIterable<SubscriptionEvent> {
  /** The server's id of the current subscription (a new one after each resubscribe). */
  readonly id: string;
  /** What the subscription covers, as the server acknowledged it. */
  readonly scope: readonly ScopeView[];
  /** True once `ended` has been emitted. */
  readonly closed: boolean;
  on<T extends SubscriptionEventType>(type: T, listener: SubscriptionListener<T>): this;
  off<T extends SubscriptionEventType>(type: T, listener: SubscriptionListener<T>): this;
  /** The last cursor received per container, keyed `<ns>/<pod>/<container>`: a `resume` for later. */
  cursors(): Readonly<Record<string, string>>;
  /** Resolves with the final `ended` event. */
  done(): Promise<SubscriptionEventOf<'ended'>>;
  /** Ends it (`unsubscribe` on the server when connected); the last event is `ended { reason: 'unsubscribed' }`. */
  unsubscribe(): Promise<void>;
}
