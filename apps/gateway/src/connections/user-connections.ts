// Open connections per user on this replica, capped at `connections.maxPerUser`. Exact counts,
// one entry per user with a connection open, so its size follows the open connections.

export class UserConnections {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerUser: number) {}

  /** Takes a slot for `user`; false when it already holds `maxPerUser`. */
  tryOpen(user: string): boolean {
    const count = this.open.get(user) ?? 0;
    if (count >= this.maxPerUser) return false;
    this.open.set(user, count + 1);
    return true;
  }

  close(user: string): void {
    const count = this.open.get(user) ?? 0;
    if (count <= 1) this.open.delete(user);
    else this.open.set(user, count - 1);
  }

  /** Users with a connection open. */
  get users(): number {
    return this.open.size;
  }
}
