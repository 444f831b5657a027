// The bus for several replicas, on one Redis or a Redis Cluster. Publishing appends each message
// to its channel's replay stream and publishes it in one script (PUBLISH, or SPUBLISH on a
// cluster, where messages stay inside their shard). Subscribing holds one SUBSCRIBE per channel
// per process (SSUBSCRIBE on the shard of the channel's slot), with local fan-out to every handler.
import type { Cluster, Redis } from 'ioredis';

import { openEnvelope } from './bus-envelope';
import { clusterSlotRouter, singleNodeRouter } from './channel-routers';
import { ChannelSubscriptions, type ChannelRouter } from './channel-subscriptions';
import { ConnectionStateTracker } from './connection-state';
import { reportHandlerErrorToConsole, type LogBusHooks } from './handler-errors';
import { LocalFanOut } from './local-fan-out';
import type { ConnectionState, MessageHandler, PublishOptions, ReplayableLogBus, ReplayResult, Unsubscribe } from './log-bus';
import { InvalidChannelError, LogBusClosedError } from './log-bus-errors';
import { assertMessageId, type MessageId } from './message-ids';
import { RedisChannelLog } from './redis-channel-log';
import {
  closeRedisConnection,
  clusterNodeUrl,
  createRedisCluster,
  createRedisConnections,
  type RedisConnectionErrorReporter,
  type RedisConnectionOptions,
} from './redis-connections';
import type { RedisRole } from './redis-connection-settings';
import { RedisLogBusSettingsSchema, type RedisLogBusSettings, type RedisLogBusSettingsInput } from './redis-log-bus-settings';

export interface RedisLogBusOptions extends RedisLogBusSettingsInput, LogBusHooks {
  /** Hears the first error of each connection outage. Default: `reportConnectionErrorToConsole` (password masked). */
  readonly onConnectionError?: RedisConnectionErrorReporter;
}

export class RedisLogBus implements ReplayableLogBus {
  readonly settings: RedisLogBusSettings;
  private readonly publisher: Redis | Cluster;
  private readonly channelLog: RedisChannelLog;
  private readonly subscriptions: ChannelSubscriptions;
  private readonly fanOut: LocalFanOut;
  private readonly connection: ConnectionStateTracker;
  private closing: Promise<void> | undefined;

  constructor(options: RedisLogBusOptions) {
    const { onHandlerError = reportHandlerErrorToConsole, onConnectionError, ...input } = options;
    this.settings = RedisLogBusSettingsSchema.parse(input);
    const { url, clusterNodes, connectionNamePrefix, connectTimeoutMs, reconnectMaxDelayMs } = this.settings;
    const connectionOptions = (role: RedisRole): RedisConnectionOptions => ({
      role,
      connectionNamePrefix,
      connectTimeoutMs,
      reconnectMaxDelayMs,
      onError: onConnectionError,
    });
    this.connection = new ConnectionStateTracker(onHandlerError);
    let router: ChannelRouter;
    if (this.settings.cluster) {
      const cluster = createRedisCluster([url, ...clusterNodes], connectionOptions('publisher'));
      router = clusterSlotRouter(cluster, (node) => createRedisConnections(clusterNodeUrl(url, node), connectionOptions('subscriber')));
      this.followTopology(cluster);
      this.publisher = cluster;
    } else {
      this.publisher = createRedisConnections(url, connectionOptions('publisher'));
      router = singleNodeRouter(() => createRedisConnections(url, connectionOptions('subscriber')));
    }
    this.channelLog = new RedisChannelLog(this.publisher, this.settings.cluster ? 'spublish' : 'publish', this.settings.replay);
    this.subscriptions = new ChannelSubscriptions(
      router,
      this.connection,
      (channel, raw) => this.deliver(channel, raw),
      reconnectMaxDelayMs,
    );
    this.fanOut = new LocalFanOut({ open: (c) => this.subscriptions.add(c), close: (c) => this.subscriptions.remove(c) }, onHandlerError);
  }

  /** Keeps every message for replay, whatever `options` say (see PublishOptions). */
  async publish(channel: string, message: string, _options?: PublishOptions): Promise<void> {
    this.assertUsable('publish', channel);
    await this.channelLog.publish(channel, message);
  }

  async subscribe(channel: string, onMessage: MessageHandler): Promise<Unsubscribe> {
    this.assertUsable('subscribe', channel);
    return this.fanOut.add(channel, onMessage);
  }

  async replay(channel: string, afterId?: MessageId): Promise<ReplayResult> {
    this.assertUsable('replay', channel);
    if (afterId !== undefined) assertMessageId(afterId);
    return this.channelLog.replay(channel, afterId);
  }

  /** Reports the subscriber connections (and, on a cluster, the cluster client): while one is down, messages published elsewhere are lost. */
  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    return this.connection.onChange(listener);
  }

  /** Quits every connection; later calls return the same promise. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.fanOut.clear();
    await Promise.all([closeRedisConnection(this.publisher), this.subscriptions.close()]);
  }

  private deliver(channel: string, raw: string): void {
    const { id, message } = openEnvelope(raw);
    this.fanOut.deliver(channel, message, id);
  }

  // The cluster client learns the slot map at connect and on every refresh (periodic, and after
  // MOVED): channels follow their slots, and an unreachable cluster counts as down.
  private followTopology(cluster: Cluster): void {
    // Registered before the subscriptions exist; the cluster emits nothing before the next tick.
    cluster.on('refresh', () => this.subscriptions.reroute());
    cluster.on('ready', () => this.subscriptions.reroute());
    cluster.on('close', () => {
      if (this.closing === undefined) this.connection.lost();
    });
  }

  private assertUsable(operation: string, channel: string): void {
    if (this.closing !== undefined) throw new LogBusClosedError(operation);
    const { keyPrefix } = this.settings;
    if (!channel.startsWith(keyPrefix) || channel.length === keyPrefix.length) {
      throw new InvalidChannelError(channel, `channels of this bus start with ${JSON.stringify(keyPrefix)}`);
    }
  }
}
