// Checks an ingest password against the tap's stored credential (shared state, credentialKey).
// The stored hash is cached briefly so a busy tap costs no read per request; a password that does
// not match the cached hash gets one fresh read (the tap may have been recreated with a new one),
// and concurrent fresh reads of one tap share a single read. Absent credentials are never cached:
// requests for taps that do not exist cannot push real ones out of the bounded cache.
import { ExpiringCache, type PluginLogger, type SharedState } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { credentialMatches } from './tap-credential';
import type { TapRef } from './tap-ref';
import { credentialKey, type StoredCredential } from './tap-state';

const StoredCredentialSchema = z.strictObject({
  generation: z.string().min(1).max(64),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export interface TapCredentialsOptions {
  /** How long a read hash is trusted; default 5 s. */
  readonly ttlMs?: number;
  /** Taps cached at once; default 1,024. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

export class TapCredentials {
  private readonly cache: ExpiringCache<StoredCredential>;
  private readonly reading = new Map<string, Promise<StoredCredential | undefined>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly state: SharedState,
    private readonly logger: PluginLogger,
    options: TapCredentialsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.ttlMs = options.ttlMs ?? 5_000;
    this.cache = new ExpiringCache(options.maxEntries ?? 1_024, this.now);
  }

  /** True when `password` is the tap's current one. Rejects when shared state cannot be read. */
  async verify(tap: TapRef, password: string): Promise<boolean> {
    const key = credentialKey(tap);
    const cached = this.cache.get(key);
    if (cached !== undefined && credentialMatches(cached, password)) return true;
    const fresh = await this.read(key);
    return fresh !== undefined && credentialMatches(fresh, password);
  }

  private read(key: string): Promise<StoredCredential | undefined> {
    const pending = this.reading.get(key);
    if (pending !== undefined) return pending;
    const read = this.readOnce(key).finally(() => this.reading.delete(key));
    this.reading.set(key, read);
    return read;
  }

  private async readOnce(key: string): Promise<StoredCredential | undefined> {
    const raw = await this.state.get(key);
    const stored = raw === undefined ? undefined : parseStored(raw);
    if (raw !== undefined && stored === undefined)
      this.logger.warn({ code: 'invalid_stored_credential' }, 'a tap credential in shared state is not readable');
    if (stored === undefined) this.cache.delete(key);
    else this.cache.set(key, stored, this.now() + this.ttlMs);
    return stored;
  }
}

function parseStored(raw: string): StoredCredential | undefined {
  try {
    const parsed = StoredCredentialSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
