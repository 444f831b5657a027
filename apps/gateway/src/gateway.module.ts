// The gateway's NestJS module, built around a runtime assembled before boot.
import { type DynamicModule, Module } from '@nestjs/common';
import { recordsChannel } from '@tailgate/bus';

import { AccessRevalidation } from './access/access-revalidation';
import { AccessService } from './access/access.service';
import { AuthenticationService } from './auth/authentication.service';
import { SessionReview } from './auth/session-review';
import { createStreamSupervision } from './cluster/create-stream-supervision';
import { ConnectionAdmission } from './connections/connection-admission';
import { GATEWAY_LOGGER, GATEWAY_RUNTIME } from './gateway.tokens';
import { GatewayLifecycle } from './gateway-lifecycle';
import type { GatewayRuntime } from './gateway-runtime';
import { HealthController } from './http/health.controller';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { createQuotaStore } from './quotas/create-quota-store';
import { QuotaService } from './quotas/quota.service';
import { LogsGateway } from './socket/logs.gateway';
import { StreamSupervisor } from './streams/stream-supervisor';
import { SubscriptionService } from './streams/subscription.service';

@Module({})
export class GatewayModule {
  static forRoot(runtime: GatewayRuntime): DynamicModule {
    const { config, registry, bus, logger, metrics } = runtime;
    const pluginLogger = logger.child({ component: 'gateway' });
    const channelOf = (stream: { key: string }) => recordsChannel(config.redis.keyPrefix, stream.key);
    const access = new AccessService(registry, config.access, metrics, pluginLogger);
    const { idleGraceMs, maxBatchRecords, reorderWindowMs, drainTimeoutMs, maxBacklogSinceMs, maxBacklogTail } = config.streams;
    const supervision = createStreamSupervision(config, bus, metrics, pluginLogger);
    const supervisor = new StreamSupervisor(bus, { channelOf, maxBatchRecords }, supervision.claims, metrics, pluginLogger);
    const settings = { idleGraceMs, maxBatchRecords, reorderWindowMs, drainTimeoutMs, maxBacklogSinceMs, maxBacklogTail, channelOf };
    const authentication = new AuthenticationService(registry, config.authentication.authenticators, metrics, pluginLogger);
    const quotas = new QuotaService(createQuotaStore(config, pluginLogger), config.quotas, metrics, pluginLogger);
    runtime.onClose.push(() => quotas.close());
    const subscriptions = new SubscriptionService(
      registry,
      access,
      supervisor,
      supervision.listenerBus,
      settings,
      metrics,
      pluginLogger,
      quotas,
    );
    // Cluster changes drop the decisions they affect and re-check the listeners they touch at once.
    const revalidation = new AccessRevalidation(access, (touched) => subscriptions.recheckAll(touched), pluginLogger);
    const unsubscribes = runtime.accessChanges.map((feed) => feed((change) => revalidation.apply(change)));
    runtime.onClose.push(async () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
      await revalidation.stop();
    });
    return {
      module: GatewayModule,
      controllers: [HealthController],
      providers: [
        { provide: GATEWAY_RUNTIME, useValue: runtime },
        { provide: GATEWAY_LOGGER, useValue: logger },
        { provide: GatewayMetrics, useValue: metrics },
        { provide: AccessService, useValue: access },
        { provide: StreamSupervisor, useValue: supervisor },
        { provide: AuthenticationService, useValue: authentication },
        { provide: ConnectionAdmission, useValue: new ConnectionAdmission(authentication, config.connections, metrics, pluginLogger) },
        { provide: SubscriptionService, useValue: subscriptions },
        { provide: SessionReview, useValue: new SessionReview(authentication, subscriptions, pluginLogger) },
        LogsGateway,
        GatewayLifecycle,
      ],
    };
  }
}
