// A PluginBus in memory for plugins' specs: delivers synchronously, in publish order, keeps what
// was published so a spec can check what crossed the "network", and can be made to fail.
import type { PluginBus } from '../plugin-bus';

export interface MemoryPluginBus extends PluginBus {
  readonly published: { readonly channel: string; readonly message: string }[];
  /** Handlers on a channel now. */
  listeners(channel: string): number;
  /** Channels with a handler now, for a spec that does not know their names (a run id in them). */
  subscribedChannels(): string[];
  /** While true, publish rejects (a bus that is down). Default false. */
  down: boolean;
}

export function memoryPluginBus(): MemoryPluginBus {
  const handlers = new Map<string, Set<(message: string) => void>>();
  const bus: MemoryPluginBus = {
    published: [],
    down: false,
    listeners: (channel) => handlers.get(channel)?.size ?? 0,
    subscribedChannels: () => [...handlers].filter(([, set]) => set.size > 0).map(([channel]) => channel),
    async publish(channel, message) {
      if (bus.down) throw new Error('bus down');
      bus.published.push({ channel, message });
      for (const handler of [...(handlers.get(channel) ?? [])]) handler(message);
    },
    async subscribe(channel, onMessage) {
      const set = handlers.get(channel) ?? new Set();
      handlers.set(channel, set);
      const handler = (message: string): void => onMessage(message);
      set.add(handler);
      return async () => void set.delete(handler);
    },
  };
  return bus;
}
