// Drops what a deposed stream holder still publishes. Every holder stamps its messages with the
// fencing token it got with the lease, and tokens only grow: a message with a lower token than
// the highest seen on the stream comes from a replica that has not noticed yet that another one
// took over. Holders also stop publishing once their lease may have expired, so lower tokens
// that keep coming for longer than `resetAfterMs` mean the counter itself went back (Redis lost
// its data): the gate then follows them rather than dropping the stream for good.

export class FenceGate {
  private highest = 0;
  private lowerSince: number | undefined;

  constructor(
    private readonly resetAfterMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a message with this token may pass; messages without one (no leases) always do. */
  admit(fence: number | undefined): boolean {
    if (fence === undefined) return true;
    if (fence >= this.highest) {
      this.highest = fence;
      this.lowerSince = undefined;
      return true;
    }
    const now = this.now();
    this.lowerSince ??= now;
    if (now - this.lowerSince < this.resetAfterMs) return false;
    this.highest = fence;
    this.lowerSince = undefined;
    return true;
  }
}
