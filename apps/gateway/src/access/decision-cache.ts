// A bounded TTL cache that also coalesces concurrent look-ups of one key into one computation.
// Values the computation marks as not cacheable (errors) are shared with the callers waiting
// at that moment but never stored.
import { ExpiringCache } from '@tailgate/plugin-sdk';

export interface Cacheable<V> {
  readonly value: V;
  readonly cacheable: boolean;
}

export class DecisionCache<V> {
  private readonly entries: ExpiringCache<V>;
  private readonly inflight = new Map<string, Promise<Cacheable<V>>>();

  constructor(
    private readonly ttlMs: number,
    maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new ExpiringCache<V>(maxEntries, now);
  }

  /** `refresh` skips a stored value (re-checks must see fresh decisions) but still coalesces. */
  async get(key: string, compute: () => Promise<Cacheable<V>>, refresh = false): Promise<V> {
    const cached = refresh ? undefined : this.entries.get(key);
    if (cached !== undefined) return cached;
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
    if (result.cacheable) this.entries.set(key, result.value, this.now() + this.ttlMs);
  }
}
