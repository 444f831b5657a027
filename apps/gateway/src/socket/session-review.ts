// Live connections are only as good as their credentials: on every re-check, a socket whose
// credentials expired, or whose token its authenticator no longer accepts (a deleted
// ServiceAccount, say), has its streams ended with `unauthenticated` and is disconnected.
import type { PluginLogger } from '@tailgate/plugin-sdk';

import type { LogsSocket } from '../wire/logs-socket';
import type { SubscriptionService } from '../streams/subscription.service';
import type { AuthenticationService } from '../auth/authentication.service';

export class SessionReview {
  constructor(
    private readonly authentication: AuthenticationService,
    private readonly subscriptions: SubscriptionService,
    private readonly logger: PluginLogger,
    private readonly now: () => number = Date.now,
  ) {}

  async reviewAll(): Promise<void> {
    await Promise.all(this.subscriptions.sockets().map((socket) => this.review(socket)));
  }

  private async review(socket: LogsSocket): Promise<void> {
    const { expiresAt, token } = socket.data;
    const expired = expiresAt !== undefined && expiresAt <= this.now();
    const stillValid = !expired && (await this.authentication.authenticate(token)).ok;
    if (stillValid || !socket.connected) return;
    this.logger.info({ user: socket.data.subject.user, connection: socket.id, expired }, 'credentials no longer valid; disconnecting');
    const reason = expired ? 'the credentials expired' : 'the credentials are no longer accepted';
    this.subscriptions.endAll(socket, 'unauthenticated', { authorizer: 'authentication', reason });
    socket.disconnect(true);
  }
}
