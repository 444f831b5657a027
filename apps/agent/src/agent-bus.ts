// The agent's connection to the gateways' bus: a Redis bus under the gateways' key prefix, seen
// as the same narrow PluginBus the gateway hands its plugins (channels under
// `<prefix>plugins:`), so both sides name the agent protocol's channels the same way. The agent
// keeps no replay buffer of its own; the password of the URL is never logged. Signed messages are
// published as bytes on a publisher connection of the agent's own (`publishBytes`): a message
// published as a string was encoded to UTF-8 again by ioredis, 11% of the agent's CPU.
import { closeRedisConnection, createRedisConnections, RedisLogBus, redactRedisUrl } from '@tailgate/bus';
import { PLUGIN_BUS_CHANNEL_PREFIX, type PluginBus } from '@tailgate/plugin-sdk';
import type { Logger } from 'pino';

export interface AgentBus extends PluginBus {
  /** Publishes bytes as they are (no replay buffer, like `publish`). */
  publishBytes(channel: string, message: Buffer): Promise<void>;
  close(): Promise<void>;
}

export function connectAgentBus(url: string, keyPrefix: string, logger: Logger): AgentBus {
  const connectionNamePrefix = 'tailgate-agent';
  const onConnectionError = (error: Error, { role }: { role: string }): void =>
    logger.warn({ code: (error as { code?: string }).code ?? error.name, role, redis: redactRedisUrl(url) }, 'redis connection failed');
  const bus = new RedisLogBus({
    url,
    keyPrefix,
    replay: { maxMessages: 0 },
    connectionNamePrefix,
    onHandlerError: (error) => logger.error({ code: error instanceof Error ? error.name : 'unknown' }, 'bus handler failed'),
    onConnectionError,
  });
  bus.onConnectionChange((state) => logger.warn({ state }, 'bus connection changed'));
  const bytesPublisher = createRedisConnections(url, { role: 'publisher', connectionNamePrefix, onError: onConnectionError });
  const prefix = `${keyPrefix}${PLUGIN_BUS_CHANNEL_PREFIX}`;
  return {
    publish: (channel, message) => bus.publish(prefix + channel, message),
    publishBytes: async (channel, message) => void (await bytesPublisher.publish(prefix + channel, message)),
    subscribe: (channel, onMessage) => bus.subscribe(prefix + channel, onMessage),
    close: async () => {
      await Promise.all([bus.close(), closeRedisConnection(bytesPublisher)]);
    },
  };
}
