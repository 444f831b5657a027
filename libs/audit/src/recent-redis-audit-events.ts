// Recent audit events on Redis: one capped Stream (XADD MAXLEN ~) under a single key with a hash
// tag, so every replica writes its events there and answers queries for all of them. add() only
// starts the XADDs; what Redis has not yet acknowledged is bounded, beyond it events are left out
// of the store (the sinks still get them) and reported.
import type { AuditEvent } from './audit-event';
import { auditEventSchema } from './audit-event';
import {
  answerRecentAuditQuery,
  matchesRecentAuditSubject,
  oldestKept,
  type RecentAuditBounds,
  type RecentAuditEvents,
  type RecentAuditFilter,
} from './recent-audit-events';

/** The part of an ioredis client (or cluster) this store uses. */
export interface RecentAuditRedis {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

export interface RedisRecentAuditEventsOptions extends RecentAuditBounds {
  readonly redis: RecentAuditRedis;
  /** Closes the connection at close(), after the writes in flight (the connection is the store's). */
  readonly release: () => Promise<void>;
  /** The gateway's `redis.keyPrefix`; the key is `<prefix>{audit}:recent`. */
  readonly keyPrefix: string;
  /** Told when an XADD failed or events were left out because Redis lags; log it there. */
  readonly onError?: (error: unknown, events: number) => void;
  readonly now?: () => number;
}

/** XADDs in flight before new events are left out of the store. */
const MAX_IN_FLIGHT = 10_000;
/** Entries read per XREVRANGE page. */
const PAGE = 500;
/** Entry ids are Redis's clock, event times the gateways': ids this much older are still read. */
const CLOCK_SLACK_MS = 60_000;

type StreamEntry = [id: string, fields: string[]];

export class RedisRecentAuditEvents implements RecentAuditEvents {
  readonly key: string;
  private readonly pending = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly options: RedisRecentAuditEventsOptions) {
    this.key = `${options.keyPrefix}{audit}:recent`;
    this.now = options.now ?? Date.now;
  }

  add(events: readonly AuditEvent[]): void {
    if (events.length === 0) return;
    if (this.pending.size >= MAX_IN_FLIGHT) {
      this.options.onError?.(new Error('too many audit events waiting for Redis'), events.length);
      return;
    }
    const { redis, maxEvents } = this.options;
    const writes = events.map((event) => redis.call('XADD', this.key, 'MAXLEN', '~', maxEvents, '*', 'e', JSON.stringify(event)));
    const done: Promise<void> = Promise.all(writes)
      .then(() => undefined)
      .catch((error: unknown) => this.options.onError?.(error, events.length))
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  async query(filter: RecentAuditFilter): Promise<AuditEvent[]> {
    // Every kept event is a candidate: a read still open may have begun long before `since`.
    const oldest = oldestKept(this.options, this.now());
    const candidates: AuditEvent[] = [];
    let end = '+';
    for (let read = 0; read < this.options.maxEvents; read += PAGE) {
      const page = (await this.options.redis.call(
        'XREVRANGE',
        this.key,
        end,
        Math.max(0, oldest - CLOCK_SLACK_MS),
        'COUNT',
        PAGE,
      )) as StreamEntry[];
      for (const [, fields] of page) {
        const event = parseEntry(fields);
        if (event === undefined || Date.parse(event.stageTimestamp) < oldest) continue;
        if (matchesRecentAuditSubject(event, filter)) candidates.push(event);
      }
      const last = page.at(-1);
      if (last === undefined || page.length < PAGE) break;
      end = `(${last[0]}`;
    }
    return answerRecentAuditQuery(candidates, filter);
  }

  async close(): Promise<void> {
    await Promise.all(this.pending);
    await this.options.release();
  }
}

/** An entry's event, parsed as it enters; one that is not an Event (someone else's write) is skipped. */
function parseEntry(fields: readonly string[]): AuditEvent | undefined {
  const at = fields.indexOf('e');
  const text = at === -1 ? undefined : fields[at + 1];
  if (text === undefined) return undefined;
  try {
    const parsed = auditEventSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
