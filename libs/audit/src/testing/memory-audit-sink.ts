// A sink that keeps what it is given, for tests: batches in arrival order, with a hook to hold
// or fail a delivery so a test can drive backlog, retries and close deadlines.
import type { AuditEvent } from '../audit-event';
import type { AuditSink } from '../audit-sink';

export class MemoryAuditSink implements AuditSink {
  readonly batches: AuditEvent[][] = [];
  closed = false;
  /** Runs before a batch is accepted: throw to fail it, return a promise to hold it. */
  before: (batch: readonly AuditEvent[], signal: AbortSignal) => void | Promise<void> = () => undefined;
  private readonly waiters: { readonly count: number; readonly resolve: () => void }[] = [];

  constructor(readonly name = 'memory') {}

  get events(): AuditEvent[] {
    return this.batches.flat();
  }

  async deliver(batch: readonly AuditEvent[], signal: AbortSignal): Promise<void> {
    await this.before(batch, signal);
    this.batches.push([...batch]);
    const total = this.events.length;
    for (const waiter of this.waiters.filter((w) => w.count <= total)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Resolves once at least `count` events were accepted. */
  received(count: number): Promise<void> {
    if (this.events.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}
