// Periodic re-authorization of live connections: credentials first (ended sockets need no access
// re-check), then every live listener's access, then the sources' own checks (LogSource.admit). Cluster changes trigger re-checks at once
// (access/access-revalidation.ts); this interval bounds how old a decision can get without one.
import type { PluginLogger } from '@tailgate/plugin-sdk';

import { errorName } from '../model/error-name';
import type { SubscriptionService } from '../streams/subscription.service';
import type { SessionReview } from './session-review';

export class PeriodicRecheck {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sessions: SessionReview,
    private readonly subscriptions: SubscriptionService,
    private readonly intervalMs: number,
    private readonly logger: PluginLogger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.recheck(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async recheck(): Promise<void> {
    try {
      await this.sessions.reviewAll();
      await this.subscriptions.recheckAll();
      await this.subscriptions.recheckAdmissions();
    } catch (error) {
      this.logger.error({ err: errorName(error) }, 're-check failed');
    }
  }
}
