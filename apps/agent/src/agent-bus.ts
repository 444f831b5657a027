// The agent's connection to the gateways' bus: a Redis bus under the gateways' key prefix, seen
// as the same narrow PluginBus the gateway hands its plugins (channels under
// `<prefix>plugins:`), so both sides name the agent protocol's channels the same way. The agent
// keeps no replay buffer of its own; the password of the URL is never logged.
import { RedisLogBus, redactRedisUrl } from '@tailgate/bus';
import { PLUGIN_BUS_CHANNEL_PREFIX, type PluginBus } from '@tailgate/plugin-sdk';
import type { Logger } from 'pino';

export interface AgentBus extends PluginBus {
  close(): Promise<void>;
}

export function connectAgentBus(url: string, keyPrefix: string, logger: Logger): AgentBus {
  const bus = new RedisLogBus({
    url,
    keyPrefix,
    replay: { maxMessages: 0 },
    connectionNamePrefix: 'tailgate-agent',
    onHandlerError: (error) => logger.error({ code: error instanceof Error ? error.name : 'unknown' }, 'bus handler failed'),
    onConnectionError: (error, { role }) =>
      logger.warn({ code: (error as { code?: string }).code ?? error.name, role, redis: redactRedisUrl(url) }, 'redis connection failed'),
  });
  bus.onConnectionChange((state) => logger.warn({ state }, 'bus connection changed'));
  const prefix = `${keyPrefix}${PLUGIN_BUS_CHANNEL_PREFIX}`;
  return {
    publish: (channel, message) => bus.publish(prefix + channel, message),
    subscribe: (channel, onMessage) => bus.subscribe(prefix + channel, onMessage),
    close: () => bus.close(),
  };
}
