// The /logs Socket.IO namespace: authenticates each connection, then hands every request to
// the subscription service and answers with an acknowledgement. Thin on purpose.
import type { Ack, ConnectErrorData, SourcesListResult, SubscribeResult } from '@tailgate/contracts';
import { LOGS_NAMESPACE } from '@tailgate/contracts';
import { Inject } from '@nestjs/common';
import {
  Ack as AckCallback,
  ConnectedSocket,
  MessageBody,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Logger } from 'pino';

import { AuthenticationService, tokenOf } from '../auth/authentication.service';
import { GATEWAY_LOGGER, GATEWAY_RUNTIME } from '../gateway.tokens';
import type { GatewayRuntime } from '../gateway-runtime';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { SubscriptionService } from '../streams/subscription.service';
import type { LogsNamespace, LogsSocket } from './logs-socket';

type AckFn<T extends object> = ((result: Ack<T>) => void) | undefined;

@WebSocketGateway({ namespace: LOGS_NAMESPACE })
export class LogsGateway implements OnGatewayInit<LogsNamespace>, OnGatewayDisconnect<LogsSocket> {
  constructor(
    @Inject(AuthenticationService) private readonly authentication: AuthenticationService,
    @Inject(SubscriptionService) private readonly subscriptions: SubscriptionService,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
    @Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime,
  ) {}

  afterInit(namespace: LogsNamespace): void {
    this.subscriptions.attach(namespace);
    namespace.use((socket, next) => {
      const token = tokenOf(socket.handshake.auth, socket.handshake.headers.authorization);
      void this.authentication.authenticate(token).then((result) => {
        if (!result.ok) return next(connectError({ code: 'unauthenticated', message: 'a valid bearer token is required' }));
        socket.data.subject = result.subject;
        socket.data.token = token ?? '';
        socket.data.subscriptions = new Set();
        socket.data.listenerBufferBytes = this.runtime.config.streams.listenerBufferBytes;
        if (result.expiresAt) socket.data.expiresAt = result.expiresAt.getTime();
        this.metrics.connections.inc();
        this.logger.info({ user: result.subject.user, socket: socket.id }, 'client connected');
        next();
      });
    });
  }

  handleDisconnect(socket: LogsSocket): void {
    if (socket.data.subscriptions) this.subscriptions.disconnect(socket);
  }

  @SubscribeMessage('subscribe')
  async subscribe(
    @ConnectedSocket() socket: LogsSocket,
    @MessageBody() body: unknown,
    @AckCallback() ack: AckFn<SubscribeResult>,
  ): Promise<void> {
    const outcome = await this.subscriptions.subscribe(socket, body);
    if (outcome.ack.ok) this.logger.info({ user: socket.data.subject.user, sub: outcome.ack.id }, 'subscribed');
    else this.logger.info({ user: socket.data.subject.user, code: outcome.ack.error.code }, 'subscribe refused');
    reply(ack, outcome.ack);
    await outcome.activate?.();
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(@ConnectedSocket() socket: LogsSocket, @MessageBody() body: unknown, @AckCallback() ack: AckFn<object>): void {
    reply(ack, this.subscriptions.unsubscribe(socket, body));
  }

  @SubscribeMessage('sources.list')
  listSources(@MessageBody() body: unknown, @AckCallback() ack: AckFn<SourcesListResult>): void {
    reply(ack, this.subscriptions.listSources(body));
  }
}

function reply<T extends object>(ack: AckFn<T>, result: Ack<T>): void {
  if (typeof ack === 'function') ack(result);
}

function connectError(data: ConnectErrorData): Error {
  return Object.assign(new Error(data.code), { data });
}
