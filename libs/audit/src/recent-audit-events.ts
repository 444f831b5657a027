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
  /** Epoch ms: events whose span [requestReceivedTimestamp, stageTimestamp] ends at or after it. */
  readonly since?: number;
  /** Epoch ms: events whose span starts at or before it. */
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

/**
 * Whether an event belongs in the answer. The time window matches an event whose span overlaps
 * it, so the end of a read that began before `since` answers "who read pod X between T1 and T2".
 */
export function matchesRecentAuditFilter(event: AuditEvent, filter: RecentAuditFilter): boolean {
  if (filter.user !== undefined && event.user.username !== filter.user) return false;
  if (filter.namespace !== undefined && event.objectRef?.namespace !== filter.namespace) return false;
  if (filter.pod !== undefined && (event.objectRef?.resource !== 'pods' || event.objectRef.name !== filter.pod)) return false;
  if (filter.since !== undefined && Date.parse(event.stageTimestamp) < filter.since) return false;
  if (filter.until !== undefined && Date.parse(event.requestReceivedTimestamp) > filter.until) return false;
  return true;
}

/** The earliest stageTimestamp (epoch ms) still answered at `now`. */
export function oldestAnswered(bounds: RecentAuditBounds, filter: RecentAuditFilter, now: number): number {
  return Math.max(now - bounds.maxAgeMs, filter.since ?? 0);
}
