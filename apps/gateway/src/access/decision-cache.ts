// A bounded TTL cache that also coalesces concurrent look-ups of one key into one computation.
// Values the computation marks as not cacheable (errors) are shared with the callers waiting
// at that moment but never stored.

export interface Cacheable<V> {
  readonly value: V;
  readonly cacheable: boolean;
}

export class DecisionCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly inflight = new Map<string, Promise<Cacheable<V>>>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** `refresh` skips a stored value (re-checks must see fresh decisions) but still coalesces. */
  async get(key: string, compute: () => Promise<Cacheable<V>>, refresh = false): Promise<V> {
    const entry = this.entries.get(key);
    if (entry && !refresh && entry.expiresAt > this.now()) return entry.value;
    if (entry) this.entries.delete(key);
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = compute().finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
      void pending.then(
        (result) => this.store(key, result),
        () => undefined,
      );
    }
    return (await pending).value;
  }

  get size(): number {
    return this.entries.size;
  }

  private store(key: string, result: Cacheable<V>): void {
    if (!result.cacheable) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value: result.value, expiresAt: this.now() + this.ttlMs });
  }
}
