// What audit delivery counts, without a metrics library: the gateway backs it with its
// prom-client registry next to `/metrics`, tests with MemoryAuditMetrics. Every event either
// reaches a sink (`delivered`), is given up on by it (`failed`) or never reaches it (`dropped`):
// nothing disappears without a count.

/** Why an event never reached a sink. */
export type AuditDropReason = 'backlog_full' | 'closed';

export interface AuditMetrics {
  /** Events waiting for `sink` now, queued and in flight. */
  backlog(sink: string, events: number): void;
  delivered(sink: string, events: number): void;
  /** Events `sink` gave up on after its retries. */
  failed(sink: string, events: number): void;
  /** One retry of a batch (webhook). */
  retried(sink: string): void;
  dropped(sink: string, events: number, reason: AuditDropReason): void;
}

export const NO_AUDIT_METRICS: AuditMetrics = {
  backlog: () => undefined,
  delivered: () => undefined,
  failed: () => undefined,
  retried: () => undefined,
  dropped: () => undefined,
};

/** Counts in memory: for tests and hosts without `/metrics`. */
export class MemoryAuditMetrics implements AuditMetrics {
  private readonly backlogs = new Map<string, number>();
  private readonly counts = new Map<string, number>();

  backlog(sink: string, events: number): void {
    this.backlogs.set(sink, events);
  }

  delivered(sink: string, events: number): void {
    this.add(`${sink} delivered`, events);
  }

  failed(sink: string, events: number): void {
    this.add(`${sink} failed`, events);
  }

  retried(sink: string): void {
    this.add(`${sink} retried`, 1);
  }

  dropped(sink: string, events: number, reason: AuditDropReason): void {
    this.add(`${sink} dropped ${reason}`, events);
  }

  /** The last backlog reported for `sink`. */
  backlogOf(sink: string): number {
    return this.backlogs.get(sink) ?? 0;
  }

  count(sink: string, what: 'delivered' | 'failed' | 'retried' | `dropped ${AuditDropReason}`): number {
    return this.counts.get(`${sink} ${what}`) ?? 0;
  }

  private add(key: string, events: number): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + events);
  }
}
