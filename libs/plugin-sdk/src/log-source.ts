// The contract of a log source: parse a selector, say what it could reveal, run one shared
// upstream per stream key, optionally give each new listener a backlog.
import type { ZodType } from 'zod';

import type { AuthorizeContext, Decision, Subject } from './authorizer';
import type { PluginLogger } from './plugin-logger';
import type { AccessScope, LogRecord, TargetRef } from './records';

export interface StreamContext {
  /**
   * Aborted when no listener is left (after the grace period) or on shutdown.
   * Stop reading and release upstream resources promptly; then end the iteration.
   */
  readonly signal: AbortSignal;
  readonly logger: PluginLogger;
}

/**
 * What `open()` yields. A target must be announced with `added` before the first record that
 * carries it: the host authorizes each target before any of its records flows, and drops
 * records of targets it was not told about.
 */
export type SourceEvent =
  | { readonly type: 'records'; readonly records: readonly LogRecord[] }
  | { readonly type: 'target'; readonly op: 'added'; readonly target: TargetRef }
  | { readonly type: 'target'; readonly op: 'removed'; readonly target: TargetRef; readonly reason?: TargetEndReason };

/**
 * Why a target stopped streaming: its container ran to completion (`completed`), its pod is
 * gone (`deleted`), or the source gave up on it after retrying (`failed`).
 */
export type TargetEndReason = 'completed' | 'deleted' | 'failed';

/**
 * Per-listener options for the records a listener gets before the live stream. With neither
 * `tail` nor `since` the backlog is empty; with both, a record must satisfy both.
 */
export interface BacklogOptions {
  /** At most this many records per target, the newest ones. */
  readonly tail?: number;
  /** Only records at or after this instant. */
  readonly since?: Date;
  /**
   * Resume: only records after these cursors. Set only for sources with `resumable: true`;
   * `tail` and `since` are then unset.
   */
  readonly after?: ResumePoint;
}

export interface ResumePoint {
  /** Per target (`targetKey`): only records whose cursor is greater than this one. */
  readonly byTarget: ReadonlyMap<string, string>;
  /**
   * For targets not in `byTarget` (they appeared while the client was away): records after this
   * cursor, compared as if it were theirs. Sources with time-based cursors read it as a time.
   * Undefined: such targets get no backlog.
   */
  readonly otherwise?: string;
}

/**
 * A listener's backlog: its targets at once, its records page by page, read as the host asks for
 * them. A listener whose connection does not drain stops the host asking, so a backlog of any
 * size costs about a page per target in memory (see mergeOldestFirst), never the whole window.
 */
export interface Backlog {
  /** Every target the records may come from; the host authorizes each before it takes a page. */
  readonly targets: readonly TargetRef[];
  /**
   * The records, oldest first, in pages of at most a few hundred records. Within one target in
   * cursor order; across targets oldest first (by `ts`). Read only when the host asks for the
   * next page; iterated at most once. The host may stop early (`return()`): release the files or
   * requests the read holds then. A failed read throws from the iteration.
   */
  readonly pages: AsyncIterable<readonly LogRecord[]>;
}

/**
 * The largest backlog window a source serves. The host refuses a request beyond it (or beyond
 * its own `streams.maxBacklogSinceMs` / `maxBacklogTail`, whichever is smaller) with
 * `invalid_request`, so the window a client gets is never silently shorter than it asked for.
 */
export interface BacklogLimits {
  /** How far back from now `since` may reach, in ms. */
  readonly maxSinceMs?: number;
  /** Most records per target `tail` may ask for. */
  readonly maxTail?: number;
}

export interface LogSource<TSelector = unknown> {
  /** Local name; clients subscribe to `<pluginId>.<name>`. */
  readonly name: string;
  readonly description: string;
  /**
   * Parses the client's subscribe payload. The output must be JSON-serialisable: in a
   * cluster, another replica may run `open()` for it.
   */
  readonly selector: ZodType<TSelector>;
  /** Listeners whose selectors give the same key share one upstream. Deterministic. */
  streamKey(selector: TSelector): string;
  /** What this subscription could reveal; judged by the authorizer chain at subscribe. */
  scope(selector: TSelector): readonly AccessScope[];
  /**
   * True when `backlog()` honours `after`: cursors of one target order the same across reads and
   * restarts of the gateway, so a client can resume from the last cursor it saw.
   */
  readonly resumable?: boolean;
  /**
   * A check of the source's own, made with the authorizer chain's at subscribe and at every
   * re-check, whatever the chain is: e.g. flow-tap asks whether the subject may `get` the Flow it
   * taps. Only `allow` passes; `deny` refuses (or ends) the subscription with its reason. A thrown
   * error counts as a deny and is not cached.
   */
  admit?(selector: TSelector, subject: Subject, ctx: AuthorizeContext): Promise<Decision>;
  /** Limits of `backlog()` windows; unset: only the host's own limits apply. */
  readonly backlogLimits?: BacklogLimits;
  /**
   * Records one listener gets on subscribe (tail / since / resume), oldest first. Resolves once
   * the targets are known; the records are read as the host takes their pages. `ctx.signal`
   * aborts the whole read, pages included.
   */
  backlog?(selector: TSelector, options: BacklogOptions, ctx: StreamContext): Promise<Backlog>;
  /** The shared live stream; the host runs it at most once per stream key. */
  open(selector: TSelector, ctx: StreamContext): AsyncIterable<SourceEvent>;
}
