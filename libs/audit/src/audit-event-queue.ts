// The seam between the gateway's hot path and the sinks. In embedded mode it is the bounded
// InProcessAuditQueue; in cluster mode a BullMQ-backed queue (through @tailgate/jobs) takes its
// place behind the same two methods.
import type { AuditEvent } from './audit-event';

export interface AuditEventQueue {
  /**
   * Hands an event to every sink. Never waits and never throws: where a sink's backlog has no
   * room, the event is dropped for that sink and counted (`dropped`, `backlog_full`).
   */
  enqueue(event: AuditEvent): void;
  /** Delivers what is queued (up to a deadline), then closes the sinks. Running it twice runs it once. */
  close(): Promise<void>;
}
