// Picks the quota store: Redis when the gateway runs on Redis, one server or a Redis Cluster
// (limits hold across replicas), otherwise in memory.
import type { TailgateConfig } from '@tailgate/config';
import type { PluginLogger } from '@tailgate/plugin-sdk';

import { InMemoryQuotaStore } from './in-memory-quota-store';
import type { QuotaStore } from './quota-store';
import { RedisQuotaStore } from './redis-quota-store';

export function createQuotaStore(config: TailgateConfig, logger: PluginLogger): QuotaStore {
  const { url, cluster, clusterNodes, keyPrefix } = config.redis;
  if (!url) return new InMemoryQuotaStore();
  return new RedisQuotaStore({
    url,
    cluster,
    clusterNodes,
    keyPrefix,
    holdingTtlMs: config.quotas.holdingTtlMs,
    onError: (error, operation) =>
      logger.error({ operation, err: error instanceof Error ? error.message : 'unknown' }, 'quota store background work failed'),
    onConnectionError: (error, { role, target }) => logger.warn({ role, target, err: error.message }, 'quota store connection failed'),
  });
}
