// Per-node session keys, derived, never stored: the key of node N in epoch E is
// HMAC-SHA256(gatewaySecret, "tailgate-agent-session\0" N "\0" E). Every gateway replica holding
// the same secret (a Kubernetes Secret mounted as `secretFile`) derives the same key, so any replica
// can hand a session to an agent and any replica can verify what that agent publishes, with nothing
// shared on Redis. An epoch lasts keyTtlMs; a key is accepted in its epoch and the next one, so an
// agent renews once per epoch and a key stops working at most 2 × keyTtlMs after it was issued —
// and in the epoch before its own, so a replica whose clock is a little behind the one that issued
// the key (at an epoch boundary) takes it too; a key still never works for more than 3 epochs.
import { createHmac } from 'node:crypto';

/** What the session endpoint hands an agent. `key` is base64url; times are epoch ms. */
export interface AgentSession {
  readonly node: string;
  readonly epoch: number;
  readonly key: string;
  /** After this the gateways refuse messages signed with this key. */
  readonly expiresAt: number;
  /** When the agent should ask for the next epoch's key. */
  readonly renewAt: number;
}

/** Most derived keys remembered; a flood of forged node names cannot grow it further. */
const MAX_CACHED_KEYS = 10_000;

export class AgentSessionKeys {
  private readonly cache = new Map<string, Buffer>();

  constructor(
    private readonly secret: Buffer,
    readonly keyTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  epochNow(): number {
    return Math.floor(this.now() / this.keyTtlMs);
  }

  /** Whether a key of `epoch` is accepted: this epoch, the one before, or (clock skew between replicas) the next. */
  accepts(epoch: number): boolean {
    const current = this.epochNow();
    return epoch >= current - 1 && epoch <= current + 1;
  }

  key(node: string, epoch: number): Buffer {
    const id = `${node}\0${epoch}`;
    let key = this.cache.get(id);
    if (key === undefined) {
      key = createHmac('sha256', this.secret).update(`tailgate-agent-session\0${id}`).digest();
      if (this.cache.size >= MAX_CACHED_KEYS) this.cache.clear();
      this.cache.set(id, key);
    }
    return key;
  }

  /** The session of `node` for the current epoch (the node comes from a TokenReview, never a request). */
  sessionFor(node: string): AgentSession {
    const epoch = this.epochNow();
    const next = (epoch + 1) * this.keyTtlMs;
    return {
      node,
      epoch,
      key: this.key(node, epoch).toString('base64url'),
      expiresAt: next + this.keyTtlMs,
      // Early in the next epoch: the gateways' clocks may differ a little from each other.
      renewAt: next + Math.min(5_000, Math.floor(this.keyTtlMs / 10)),
    };
  }
}
