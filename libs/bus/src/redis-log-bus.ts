// The bus for several replicas: Redis pub/sub on exact channels, with a publisher and a subscriber
// connection, one SUBSCRIBE per channel per process and local fan-out to every handler behind it.
import type { Redis } from 'ioredis';

import { ConnectionStateTracker } from './connection-state';
import { reportHandlerErrorToConsole, type LogBusHooks } from './handler-errors';
import { LocalFanOut } from './local-fan-out';
import type { ConnectionState, LogBus, MessageHandler, Unsubscribe } from './log-bus';
import { InvalidChannelError, LogBusClosedError } from './log-bus-errors';
import { redactRedisUrl } from './redact-redis-url';
import {
  closeRedisConnection,
  createRedisConnections,
  reportConnectionErrorToConsole,
  type RedisConnectionErrorReporter,
} from './redis-connections';
import { RedisLogBusSettingsSchema, type RedisLogBusSettings, type RedisLogBusSettingsInput } from './redis-log-bus-settings';

export interface RedisLogBusOptions extends RedisLogBusSettingsInput, LogBusHooks {
  /** Hears the first error of each connection outage. Default: `reportConnectionErrorToConsole` (password masked). */
  readonly onConnectionError?: RedisConnectionErrorReporter;
}

export class RedisLogBus implements LogBus {
  readonly settings: RedisLogBusSettings;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly fanOut: LocalFanOut;
  private readonly connection: ConnectionStateTracker;
  private readonly onConnectionError: RedisConnectionErrorReporter;
  private closing: Promise<void> | undefined;

  constructor(options: RedisLogBusOptions) {
    const { onHandlerError = reportHandlerErrorToConsole, onConnectionError, ...input } = options;
    this.settings = RedisLogBusSettingsSchema.parse(input);
    this.onConnectionError = onConnectionError ?? reportConnectionErrorToConsole;
    const { url, connectionNamePrefix, connectTimeoutMs, reconnectMaxDelayMs } = this.settings;
    const connect = (role: 'publisher' | 'subscriber'): Redis =>
      createRedisConnections(url, {
        role,
        connectionNamePrefix,
        connectTimeoutMs,
        reconnectMaxDelayMs,
        onError: this.onConnectionError,
      });
    this.publisher = connect('publisher');
    this.subscriber = connect('subscriber');
    this.connection = new ConnectionStateTracker(onHandlerError);
    this.fanOut = new LocalFanOut({ open: (c) => this.subscribeOnRedis(c), close: (c) => this.unsubscribeOnRedis(c) }, onHandlerError);
    this.watchSubscriber();
  }

  async publish(channel: string, message: string): Promise<void> {
    this.assertUsable('publish', channel);
    await this.publisher.publish(channel, message);
  }

  async subscribe(channel: string, onMessage: MessageHandler): Promise<Unsubscribe> {
    this.assertUsable('subscribe', channel);
    return this.fanOut.add(channel, onMessage);
  }

  /** Reports the subscriber connection: while it is down, messages published elsewhere are lost. */
  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    return this.connection.onChange(listener);
  }

  /** Quits both connections; later calls return the same promise. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.fanOut.clear();
    await Promise.all([closeRedisConnection(this.publisher), closeRedisConnection(this.subscriber)]);
  }

  private async subscribeOnRedis(channel: string): Promise<void> {
    await this.subscriber.subscribe(channel);
  }

  // While the connection is down there is nothing to end: the next connection re-subscribes only
  // channels that still have handlers. Waiting for Redis here would hang teardown for an outage.
  private async unsubscribeOnRedis(channel: string): Promise<void> {
    if (this.subscriber.status === 'ready') await this.subscriber.unsubscribe(channel);
  }

  private watchSubscriber(): void {
    this.subscriber.on('message', (channel: string, message: string) => this.fanOut.deliver(channel, message));
    this.subscriber.on('close', () => {
      if (this.closing === undefined) this.connection.lost();
    });
    this.subscriber.on('ready', () => void this.restoreSubscriptions());
  }

  // A new connection has no subscriptions: subscribe to every channel that still has handlers,
  // and only then tell listeners the bus is up again.
  private async restoreSubscriptions(): Promise<void> {
    const channels = this.fanOut.channels();
    try {
      if (channels.length > 0) await this.subscriber.subscribe(...channels);
    } catch (error) {
      // The connection dropped again (the next `ready` retries) or Redis refused: stay down.
      const target = redactRedisUrl(this.settings.url);
      if (this.closing === undefined) this.onConnectionError(asError(error), { role: 'subscriber', target });
      return;
    }
    if (this.closing === undefined) this.connection.regained();
  }

  private assertUsable(operation: string, channel: string): void {
    if (this.closing !== undefined) throw new LogBusClosedError(operation);
    const { keyPrefix } = this.settings;
    if (!channel.startsWith(keyPrefix) || channel.length === keyPrefix.length) {
      throw new InvalidChannelError(channel, `channels of this bus start with ${JSON.stringify(keyPrefix)}`);
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
