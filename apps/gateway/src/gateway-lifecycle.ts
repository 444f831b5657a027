// Periodic re-authorization of live listeners, and an orderly stop: streams, then the bus,
// then the plugins' own shutdown hooks.
import { type BeforeApplicationShutdown, Inject, type OnApplicationBootstrap } from '@nestjs/common';

import { GATEWAY_RUNTIME } from './gateway.tokens';
import type { GatewayRuntime } from './gateway-runtime';
import { SubscriptionService } from './streams/subscription.service';

export class GatewayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private recheckTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
    @Inject(SubscriptionService) private readonly subscriptions: SubscriptionService,
  ) {}

  onApplicationBootstrap(): void {
    this.recheckTimer = setInterval(() => {
      this.subscriptions.recheckAll().catch((error: unknown) => {
        this.runtime.logger.error({ err: error instanceof Error ? error.name : 'unknown' }, 'access re-check failed');
      });
    }, this.runtime.config.access.recheckIntervalMs);
    this.recheckTimer.unref();
    this.runtime.state.ready = true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.runtime.state.ready = false;
    clearInterval(this.recheckTimer);
    await this.subscriptions.shutdown();
    await this.runtime.bus.close();
    await this.runtime.registry.shutdown((error) =>
      this.runtime.logger.error({ err: error instanceof Error ? error.message : 'unknown' }, 'plugin shutdown hook failed'),
    );
    for (const close of this.runtime.onClose) await close();
  }
}
