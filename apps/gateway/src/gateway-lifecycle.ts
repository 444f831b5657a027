// Periodic re-authorization of live listeners, and an orderly stop (SIGTERM): no new connections,
// streams handed over to other replicas and their clients sent there, then the bus, then the
// plugins' own shutdown hooks.
import type { Server } from 'node:http';

import { type BeforeApplicationShutdown, Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

import { GATEWAY_RUNTIME } from './gateway.tokens';
import type { GatewayRuntime } from './gateway-runtime';
import { SessionReview } from './auth/session-review';
import { SubscriptionService } from './streams/subscription.service';

export class GatewayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private recheckTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
    @Inject(SubscriptionService) private readonly subscriptions: SubscriptionService,
    @Inject(SessionReview) private readonly sessions: SessionReview,
    @Inject(HttpAdapterHost) private readonly http: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    this.recheckTimer = setInterval(() => void this.recheck(), this.runtime.config.access.recheckIntervalMs);
    this.recheckTimer.unref();
    this.runtime.state.ready = true;
  }

  /** Credentials first (ended sockets need no access re-check), then every live listener's access. */
  async recheck(): Promise<void> {
    try {
      await this.sessions.reviewAll();
      await this.subscriptions.recheckAll();
    } catch (error) {
      this.runtime.logger.error({ err: error instanceof Error ? error.name : 'unknown' }, 're-check failed');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.runtime.state.ready = false;
    clearInterval(this.recheckTimer);
    // Connections open now stay until their subscriptions are ended; new ones go to other replicas.
    (this.http.httpAdapter.getHttpServer() as Server).close();
    await this.subscriptions.shutdown();
    await this.runtime.bus.close();
    await this.runtime.registry.shutdown((error) =>
      this.runtime.logger.error({ err: error instanceof Error ? error.message : 'unknown' }, 'plugin shutdown hook failed'),
    );
    for (const close of this.runtime.onClose) await close();
  }
}
