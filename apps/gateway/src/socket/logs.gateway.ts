// The /logs Socket.IO namespace: admits each connection (limits, handshake, authentication),
// guards every packet, then hands each request to the subscription service and answers with an
// acknowledgement. Thin on purpose.
import type { Ack, SourcesListResult, SubscribeResult } from '@tailgate/contracts';
import { errorAck, LOGS_NAMESPACE } from '@tailgate/contracts';
import { Inject } from '@nestjs/common';
import {
  Ack as AckCallback,
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Logger } from 'pino';

import { ConnectionAdmission } from '../connections/connection-admission';
import { GATEWAY_LOGGER } from '../logging/gateway-logger';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { SubscriptionService } from '../streams/subscription.service';
import type { LogsNamespace, LogsSocket } from '../wire/logs-socket';
import { SubscriptionIds } from '../wire/subscription-ids';
import { connectError } from './connect-error';
import { guardRequests } from './request-guard';
import { SocketSettings } from './socket-settings';

type AckFn<T extends object> = ((result: Ack<T>) => void) | undefined;

@WebSocketGateway({ namespace: LOGS_NAMESPACE })
export class LogsGateway implements OnGatewayInit<LogsNamespace>, OnGatewayConnection<LogsSocket>, OnGatewayDisconnect<LogsSocket> {
  constructor(
    @Inject(ConnectionAdmission) private readonly admission: ConnectionAdmission,
    @Inject(SubscriptionService) private readonly subscriptions: SubscriptionService,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
    @Inject(SocketSettings) private readonly settings: SocketSettings,
  ) {}

  afterInit(namespace: LogsNamespace): void {
    namespace.use((socket, next) => {
      const { address, headers, auth } = socket.handshake;
      void this.admission.admit({ peer: address, headers, auth, connectionId: socket.id }).then(
        (admitted) => {
          if (!admitted.ok) return next(connectError(admitted.error));
          // One literal with every field: added one by one to Socket.IO's empty object, they would
          // spill into a separate property store on every connection.
          socket.data = {
            subject: admitted.subject,
            connection: admitted.connection,
            token: admitted.token,
            subscriptions: new SubscriptionIds(),
            listenerBufferBytes: this.settings.listenerBufferBytes,
            queuedBytes: { capBytes: this.settings.connectionBufferBytes, usedBytes: 0 },
            releaseSlot: admitted.release,
            ...(admitted.expiresAt && { expiresAt: admitted.expiresAt.getTime() }),
          };
          holdSlotUntilConnected(socket);
          guardRequests(socket);
          this.metrics.connections.inc();
          this.logger.info({ user: admitted.subject.user, connection: socket.id }, 'client connected');
          next();
        },
        (error: unknown) => {
          this.logger.error({ err: error instanceof Error ? error.name : 'unknown' }, 'admitting a connection failed');
          next(connectError({ code: 'internal', message: 'the server failed to accept this connection' }));
        },
      );
    });
  }

  /** From here on its disconnect gives the slot back (handleDisconnect), not its connection's close. */
  handleConnection(socket: LogsSocket): void {
    socket.conn.off('close', socket.data.releaseSlot);
  }

  handleDisconnect(socket: LogsSocket): void {
    socket.data.releaseSlot();
    if (socket.data.subscriptions) this.subscriptions.disconnect(socket);
  }

  @SubscribeMessage('subscribe')
  async subscribe(
    @ConnectedSocket() socket: LogsSocket,
    @MessageBody() body: unknown,
    @AckCallback() ack: AckFn<SubscribeResult>,
  ): Promise<void> {
    const outcome = await this.subscriptions.subscribe(socket, body);
    const { user } = socket.data.subject;
    if (outcome.ack.ok) this.logger.info({ user, connection: socket.id, sub: outcome.ack.id }, 'subscribed');
    else this.logger.info({ user, connection: socket.id, code: outcome.ack.error.code }, 'subscribe refused');
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

/** Error acknowledgements are rebuilt from their fields; success ones are built by the service. */
function reply<T extends object>(ack: AckFn<T>, result: Ack<T>): void {
  if (typeof ack === 'function') ack(result.ok ? result : errorAck(result.error));
}

/**
 * Keeps the user's connection slot (`socket.data.releaseSlot`) with the socket. Until the socket
 * connects, only its connection's close can give the slot back (Socket.IO drops a socket whose
 * connection closed before it connected, without a disconnect); once connected, its disconnect
 * does (handleConnection, handleDisconnect). No listener pair per socket for the whole
 * connection: with their `once` wrappers they cost about 300 bytes on every connection.
 */
function holdSlotUntilConnected(socket: LogsSocket): void {
  const release = socket.data.releaseSlot;
  if (socket.conn.readyState !== 'open') return release();
  socket.conn.once('close', release);
}
