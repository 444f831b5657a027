// A bounded TTL cache that also coalesces concurrent look-ups of one key into one computation.
// Values the computation marks as not cacheable (errors) are shared with the callers waiting
// at that moment but never stored. Each look-up says how old a value it accepts, and each value
// names what it depends on (`dependsOn`), so a change there drops it — and a computation that
// was already running when the change came is neither joined nor stored.
import { ExpiringCache } from '@tailgate/plugin-sdk';

export interface Cacheable<V> {
  readonly value: V;
  readonly cacheable: boolean;
}

export interface Lookup {
  /** Oldest value accepted, in ms since its computation started; 0: compute afresh (still coalesced). Default: the TTL. */
  readonly maxAgeMs?: number;
  /** What the value depends on; `invalidate(dependency)` drops it. */
  readonly dependsOn?: readonly string[];
}

interface Computed {
  /** When the computation started: the value is at least this old. */
  readonly decidedAt: number;
  /** The invalidation epoch when it started; invalidations after it make it stale. */
  readonly epoch: number;
  readonly dependsOn: readonly string[];
}

interface Entry<V> extends Computed {
  readonly value: V;
}

interface Pending<V> extends Computed {
  readonly promise: Promise<Cacheable<V>>;
}

export class DecisionCache<V> {
  /** Each value kept until its TTL from when its computation started. */
  private readonly entries: ExpiringCache<Entry<V>>;
  private readonly inflight = new Map<string, Pending<V>>();
  /** Per dependency, the epoch and time of its last invalidation (kept one TTL: older ones can no longer matter). */
  private readonly invalidated = new Map<string, { readonly epoch: number; readonly at: number }>();
  private epoch = 0;
  private allInvalidatedAt = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new ExpiringCache(maxEntries, now);
  }

  async get(key: string, compute: () => Promise<Cacheable<V>>, lookup: Lookup = {}): Promise<V> {
    const maxAgeMs = Math.min(lookup.maxAgeMs ?? this.ttlMs, this.ttlMs);
    const entry = this.entries.get(key);
    if (entry && this.stale(entry)) this.entries.delete(key);
    else if (entry && this.now() - entry.decidedAt < maxAgeMs) return entry.value;
    let pending = this.inflight.get(key);
    if (!pending || this.stale(pending)) {
      pending = { promise: compute(), decidedAt: this.now(), epoch: this.epoch, dependsOn: lookup.dependsOn ?? [] };
      this.inflight.set(key, pending);
      const started = pending;
      void started.promise.then(
        (result) => this.settle(key, started, result),
        () => this.settle(key, started, undefined),
      );
    }
    return (await pending.promise).value;
  }

  /** Drops every value that depends on `dependency`, and every computation of one already running. */
  invalidate(dependency: string): void {
    this.epoch++;
    this.invalidated.set(dependency, { epoch: this.epoch, at: this.now() });
    if (this.invalidated.size > this.maxEntries) this.pruneInvalidations();
  }

  invalidateAll(): void {
    this.allInvalidatedAt = ++this.epoch;
    this.invalidated.clear();
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private settle(key: string, pending: Pending<V>, result: Cacheable<V> | undefined): void {
    if (this.inflight.get(key) === pending) this.inflight.delete(key);
    if (result?.cacheable !== true || this.stale(pending)) return;
    // A computation that outlived the TTL stores nothing: its expiry is already past.
    const { decidedAt, epoch, dependsOn } = pending;
    this.entries.set(key, { decidedAt, epoch, dependsOn, value: result.value }, decidedAt + this.ttlMs);
  }

  private stale(computed: Computed): boolean {
    if (this.allInvalidatedAt > computed.epoch) return true;
    return computed.dependsOn.some((dependency) => (this.invalidated.get(dependency)?.epoch ?? 0) > computed.epoch);
  }

  /**
   * Invalidations older than the TTL matter to nothing: every value computed before them has
   * expired, and no computation that old is ever stored. If that is not enough, drop everything.
   */
  private pruneInvalidations(): void {
    const horizon = this.now() - this.ttlMs;
    for (const [dependency, { at }] of this.invalidated) if (at <= horizon) this.invalidated.delete(dependency);
    if (this.invalidated.size > this.maxEntries) this.invalidateAll();
  }
}
