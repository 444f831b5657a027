// Picks where recent audit events are kept for GET /audit/events: with Redis one capped Stream
// every replica writes and reads (each answers for all), otherwise a ring in this process. None
// at all while the query is off (`audit.query.groups` empty).
import { MemoryRecentAuditEvents, type RecentAuditEvents, RedisRecentAuditEvents } from '@tailgate/audit';
import { closeRedisConnection, createRedisClient } from '@tailgate/bus';
import type { TailgateConfig } from '@tailgate/config';
import type { Logger } from 'pino';

import { errorName } from '../model/error-name';

/** A Redis outage fails every add: one warning per this many failures. */
const FAILURES_PER_WARNING = 100;

export function createRecentAuditEvents(config: TailgateConfig, logger: Logger): RecentAuditEvents | undefined {
  const { enabled, query } = config.audit;
  if (!enabled || query.groups.length === 0) return undefined;
  const bounds = { maxEvents: query.maxEvents, maxAgeMs: query.maxAgeMs };
  const { url, cluster, clusterNodes, keyPrefix } = config.redis;
  if (!url) return new MemoryRecentAuditEvents(bounds);
  const log = logger.child({ component: 'audit-query' });
  let failures = 0;
  const redis = createRedisClient(
    { url, cluster, clusterNodes },
    {
      role: 'commands',
      connectionNamePrefix: 'tailgate-audit-query',
      onError: (error, { role, target }) => log.warn({ role, target, err: error.message }, 'recent audit events: connection failed'),
    },
  );
  return new RedisRecentAuditEvents({
    ...bounds,
    redis,
    release: () => closeRedisConnection(redis),
    keyPrefix,
    onError: (error, events) => {
      if (failures++ % FAILURES_PER_WARNING === 0) log.warn({ events, failures, err: errorName(error) }, 'recent audit events not stored');
    },
  });
}
