// What this replica holds in Redis, scope by scope. It is the truth a heartbeat writes back
// when Redis lost the replica's share (purged after a long pause) or may disagree with it (a
// request whose answer never came).

export interface ScopeShare {
  /** The scope's holdings hash and replicas sorted set. */
  readonly hold: string;
  readonly replicas: string;
  subscriptions: number;
  /** Stream id → subscriptions of this replica holding it. */
  readonly streams: Map<string, number>;
  /** Requests for this scope sent and not answered yet; a sync waits until there are none. */
  pending: number;
  /** Redis may disagree with this share: write it back at the next heartbeat. */
  dirty: boolean;
}

export class ReplicaShares {
  private readonly shares = new Map<string, ScopeShare>();

  /** The share of a scope, created empty when this replica holds nothing there yet. */
  of(hold: string, replicas: string): ScopeShare {
    let share = this.shares.get(hold);
    if (!share) {
      share = { hold, replicas, subscriptions: 0, streams: new Map(), pending: 0, dirty: false };
      this.shares.set(hold, share);
    }
    return share;
  }

  find(hold: string): ScopeShare | undefined {
    return this.shares.get(hold);
  }

  add(share: ScopeShare, streamId: string): void {
    share.subscriptions++;
    share.streams.set(streamId, (share.streams.get(streamId) ?? 0) + 1);
  }

  /** False when the share did not hold the stream (nothing to give back). */
  remove(share: ScopeShare, streamId: string): boolean {
    const count = share.streams.get(streamId);
    if (count === undefined) return false;
    if (count > 1) share.streams.set(streamId, count - 1);
    else share.streams.delete(streamId);
    share.subscriptions--;
    return true;
  }

  all(): ScopeShare[] {
    return [...this.shares.values()];
  }

  /** Forgets shares with nothing held, nothing in flight and nothing to write back. */
  sweep(): void {
    for (const [key, share] of this.shares) {
      if (share.subscriptions === 0 && share.pending === 0 && !share.dirty) this.shares.delete(key);
    }
  }
}

/** The SYNC script's arguments after replica, now and ttl: subscriptions, then stream/count pairs. */
export function syncArguments(share: ScopeShare): (string | number)[] {
  return [share.subscriptions, ...[...share.streams].flat()];
}
