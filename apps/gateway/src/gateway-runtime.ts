// What the gateway is built from, assembled before NestJS starts: configuration, the loaded
// plugins, the bus and the logger.
import type { ReplayableLogBus } from '@tailgate/bus';
import type { TailgateConfig } from '@tailgate/config';
import type { AccessChange } from '@tailgate/kube';
import type { PluginRegistry } from '@tailgate/plugin-host';
import type { Logger } from 'pino';

import type { GatewayMetrics } from './metrics/gateway-metrics';

export interface GatewayRuntime {
  readonly config: TailgateConfig;
  readonly registry: PluginRegistry;
  readonly bus: ReplayableLogBus;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly state: { ready: boolean; bus: 'up' | 'down' };
  /** Releases what was assembled outside NestJS (pod metadata reloads, …). */
  readonly onClose: (() => Promise<void> | void)[];
  /** Where cluster changes that can change access are reported (RBAC and pod watches); none without `kube`. */
  readonly accessChanges: readonly AccessChangeFeed[];
}

/** Observes access changes; returns the unsubscribe. */
export type AccessChangeFeed = (listener: (change: AccessChange) => void) => () => void;
