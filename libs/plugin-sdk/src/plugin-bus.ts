// A narrow view of the host's bus for plugins whose work spans processes (the node agent's demand
// and batches): string messages on exact channels. The host puts `<redis.keyPrefix>plugins:` in
// front of every channel name (PLUGIN_BUS_CHANNEL_PREFIX), so plugin channels never collide with
// the host's own; a plugin names its channels under its own id (`<pluginId>:…`). In one process
// messages are handed over as they are; on Redis each is one PUBLISH. Fire and forget: a message
// published while nobody listens is lost, so protocols on it renew what they need on an interval.
import { createServiceRef } from './service-ref';

/** What the host puts after its key prefix and before a plugin's channel name. */
export const PLUGIN_BUS_CHANNEL_PREFIX = 'plugins:';

/** Removes a handler; resolves once it will not be called again. */
export type PluginBusUnsubscribe = () => Promise<void>;

export interface PluginBus {
  /** Publishes one message; resolves when the bus accepted it. Rejects when the bus is closed or down. */
  publish(channel: string, message: string): Promise<void>;
  /** Exact-channel subscription; resolves once it is active. Messages arrive in publish order. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<PluginBusUnsubscribe>;
}

export const logBusServiceRef = createServiceRef<PluginBus>('core.log-bus');
