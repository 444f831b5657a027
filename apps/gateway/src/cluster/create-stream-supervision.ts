// Picks how replicas agree on who runs each upstream: Redis leases when the gateway runs on
// Redis (one server or a Redis Cluster), otherwise this process runs them all. Fan-outs then
// read the bus through fence gates.
import type { ReplayableLogBus } from '@tailgate/bus';
import type { TailgateConfig } from '@tailgate/config';
import type { PluginLogger } from '@tailgate/plugin-sdk';

import type { BusFrame } from '../model/bus-message';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { FencedLogBus } from './fenced-log-bus';
import { fenceResetAfterMs } from '../model/fencing-token';
import { LeasedStreamClaims } from './leased-stream-claims';
import { LocalStreamClaims } from './local-stream-claims';
import { RedisStreamLeases } from './redis-stream-leases';
import type { StreamClaims } from './stream-claim';

export interface StreamSupervision {
  readonly claims: StreamClaims;
  /** The bus the fan-outs subscribe through. */
  readonly listenerBus: ReplayableLogBus<BusFrame>;
}

export function createStreamSupervision(
  config: TailgateConfig,
  bus: ReplayableLogBus<BusFrame>,
  metrics: GatewayMetrics,
  logger: PluginLogger,
): StreamSupervision {
  const { idleGraceMs, leaseTtlMs, demandTtlMs } = config.streams;
  const { url, cluster, clusterNodes, keyPrefix } = config.redis;
  if (!url) return { claims: new LocalStreamClaims(idleGraceMs), listenerBus: bus };
  const leases = new RedisStreamLeases({
    url,
    cluster,
    clusterNodes,
    keyPrefix,
    leaseTtlMs,
    demandTtlMs,
    onConnectionError: (error, { role, target }) => logger.warn({ role, target, err: error.message }, 'stream lease connection failed'),
  });
  return {
    claims: new LeasedStreamClaims({ leases, bus, leaseTtlMs, idleGraceMs, metrics, logger }),
    listenerBus: new FencedLogBus(bus, fenceResetAfterMs(leaseTtlMs), metrics),
  };
}
