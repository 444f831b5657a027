// Recent audit events in this process: a ring of the last `maxEvents`, answered up to `maxAgeMs`
// old. Without Redis there is one gateway, so it answers for every read.
import type { AuditEvent } from './audit-event';
import {
  answerRecentAuditQuery,
  matchesRecentAuditSubject,
  oldestKept,
  type RecentAuditBounds,
  type RecentAuditEvents,
  type RecentAuditFilter,
} from './recent-audit-events';

export class MemoryRecentAuditEvents implements RecentAuditEvents {
  private readonly ring: (AuditEvent | undefined)[];
  /** Where the next event goes; the oldest kept sits there too once the ring is full. */
  private next = 0;

  constructor(
    private readonly bounds: RecentAuditBounds,
    private readonly now: () => number = Date.now,
  ) {
    this.ring = new Array<AuditEvent | undefined>(bounds.maxEvents).fill(undefined);
  }

  add(events: readonly AuditEvent[]): void {
    for (const event of events) {
      this.ring[this.next] = event;
      this.next = (this.next + 1) % this.ring.length;
    }
  }

  query(filter: RecentAuditFilter): Promise<AuditEvent[]> {
    const oldest = oldestKept(this.bounds, this.now());
    const candidates: AuditEvent[] = [];
    for (let i = 1; i <= this.ring.length; i++) {
      const event = this.ring[(this.next - i + this.ring.length) % this.ring.length];
      if (event === undefined) break;
      if (Date.parse(event.stageTimestamp) < oldest) continue;
      if (matchesRecentAuditSubject(event, filter)) candidates.push(event);
    }
    return Promise.resolve(answerRecentAuditQuery(candidates, filter));
  }

  close(): Promise<void> {
    this.ring.fill(undefined);
    return Promise.resolve();
  }
}
