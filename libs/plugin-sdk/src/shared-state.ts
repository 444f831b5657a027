// Small shared state for plugins whose work spans processes (who wants a flow tap, which secret a
// tap has now): on Redis with Redis, in memory in one process. Names are the plugin's, under its id
// (`<pluginId>:…`); the host puts `<redis.keyPrefix>plugins:` in front. Not for records: a few
// keys per stream at most, each read and written on the control path.
import { createServiceRef } from './service-ref';

export interface SharedState {
  /** Adds `member` to `set`, or renews it; it expires `ttlMs` from now unless renewed again. */
  renew(set: string, member: string, ttlMs: number): Promise<void>;
  /** Removes `member` from `set` at once. */
  remove(set: string, member: string): Promise<void>;
  /** The members of `set` that have not expired. */
  members(set: string): Promise<string[]>;
  /** The value of `key`; undefined when unset. */
  get(key: string): Promise<string | undefined>;
  /** Sets `key` until it is deleted. */
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Adds one to the counter `key` and returns the new value (1 for a new counter). */
  increment(key: string): Promise<number>;
}

export const sharedStateServiceRef = createServiceRef<SharedState>('core.shared-state');

/** Shared state of one process: for hosts without Redis, and for plugin specs. */
export class MemorySharedState implements SharedState {
  private readonly sets = new Map<string, Map<string, number>>();
  private readonly values = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  renew(set: string, member: string, ttlMs: number): Promise<void> {
    const members = this.sets.get(set) ?? new Map<string, number>();
    members.set(member, this.now() + ttlMs);
    this.sets.set(set, members);
    return Promise.resolve();
  }

  remove(set: string, member: string): Promise<void> {
    const members = this.sets.get(set);
    members?.delete(member);
    if (members?.size === 0) this.sets.delete(set);
    return Promise.resolve();
  }

  members(set: string): Promise<string[]> {
    const members = this.sets.get(set);
    if (!members) return Promise.resolve([]);
    const now = this.now();
    for (const [member, expires] of members) if (expires <= now) members.delete(member);
    if (members.size === 0) this.sets.delete(set);
    return Promise.resolve([...members.keys()]);
  }

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }

  set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.values.delete(key);
    return Promise.resolve();
  }

  increment(key: string): Promise<number> {
    const next = Number(this.values.get(key) ?? '0') + 1;
    this.values.set(key, String(next));
    return Promise.resolve(next);
  }
}
