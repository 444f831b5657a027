// The recent audit events an administrator can query (issue 16 item 4): a bounded store, by count
// and age, fed by the same record() path as the sinks, and the filter a query applies. Stores are
// RecentAuditEvents; MemoryRecentAuditEvents without Redis, RedisRecentAuditEvents with it.
import type { AuditEvent } from './audit-event';

/** Most events one query answers. */
export const RECENT_AUDIT_QUERY_MAX_LIMIT = 1_000;

export interface RecentAuditFilter {
  /** `user.username` exactly. */
  readonly user?: string;
  /** `objectRef.namespace` exactly. */
  readonly namespace?: string;
  /** A pod's name (`objectRef.resource` pods) exactly. */
  readonly pod?: string;
  /** Epoch ms: reads whose span (see answerRecentAuditQuery) ends at or after it. */
  readonly since?: number;
  /** Epoch ms: reads whose span starts at or before it. */
  readonly until?: number;
  /** At most this many, the newest; 1 … RECENT_AUDIT_QUERY_MAX_LIMIT. */
  readonly limit: number;
}

export interface RecentAuditEvents {
  /** Never waits and never throws: the hot path calls it. */
  add(events: readonly AuditEvent[]): void;
  /** The newest `limit` events matching the filter that are still kept, oldest first. */
  query(filter: RecentAuditFilter): Promise<AuditEvent[]>;
  /** Waits for what add() started, then lets go of the store. */
  close(): Promise<void>;
}

export interface RecentAuditBounds {
  /** Events kept (the oldest go first). */
  readonly maxEvents: number;
  /** Events older than this (by stageTimestamp) are not answered. */
  readonly maxAgeMs: number;
}

/** Whether an event is about what the query names (user, namespace, pod); time is judged per read. */
export function matchesRecentAuditSubject(event: AuditEvent, filter: RecentAuditFilter): boolean {
  if (filter.user !== undefined && event.user.username !== filter.user) return false;
  if (filter.namespace !== undefined && event.objectRef?.namespace !== filter.namespace) return false;
  if (filter.pod !== undefined && (event.objectRef?.resource !== 'pods' || event.objectRef.name !== filter.pod)) return false;
  return true;
}

/**
 * The answer from the kept events that match the subject filters, newest first: every event of
 * each read (the events sharing an auditID) whose span overlaps [since, until], the newest `limit`
 * of them, oldest first. A read spans from its requestReceivedTimestamp to its last event — and on
 * to now while it was allowed (ResponseStarted 200) and has not completed, so a read begun before
 * T1 and still open after T2 answers "who read pod X between T1 and T2".
 */
export function answerRecentAuditQuery(newestFirst: readonly AuditEvent[], filter: RecentAuditFilter): AuditEvent[] {
  const spans = new Map<string, { start: number; end: number; started: boolean; completed: boolean }>();
  for (const event of newestFirst) {
    const span = spans.get(event.auditID) ?? { start: Infinity, end: -Infinity, started: false, completed: false };
    span.start = Math.min(span.start, Date.parse(event.requestReceivedTimestamp));
    span.end = Math.max(span.end, Date.parse(event.stageTimestamp));
    if (event.stage === 'ResponseStarted' && event.responseStatus?.code === 200) span.started = true;
    if (event.stage === 'ResponseComplete' || event.stage === 'Panic') span.completed = true;
    spans.set(event.auditID, span);
  }
  const found: AuditEvent[] = [];
  for (const event of newestFirst) {
    if (found.length === filter.limit) break;
    const span = spans.get(event.auditID);
    if (span === undefined) continue;
    const end = span.started && !span.completed ? Infinity : span.end;
    if (filter.since !== undefined && end < filter.since) continue;
    if (filter.until !== undefined && span.start > filter.until) continue;
    found.push(event);
  }
  return found.reverse();
}

/** The earliest stageTimestamp (epoch ms) still kept at `now`: older events are not answered. */
export function oldestKept(bounds: RecentAuditBounds, now: number): number {
  return now - bounds.maxAgeMs;
}
