// What each conformance test gets: fresh buses (closed after the test) and fresh channels.
import { randomUUID } from 'node:crypto';

import { afterEach } from 'vitest';

import type { LogBusHooks } from '../handler-errors';
import type { ReplayableLogBus } from '../log-bus';
import { MessageInbox } from './message-inbox';

export type MakeLogBus = (hooks: LogBusHooks) => ReplayableLogBus | Promise<ReplayableLogBus>;

export interface SuiteContext {
  /** A new bus, closed after the test. */
  bus(hooks?: LogBusHooks): Promise<ReplayableLogBus>;
  /** A channel no other test (or test file sharing the medium) uses. */
  channel(): string;
}

/** Registers the after-each cleanup; call it inside a `describe`. */
export function suiteContext(makeBus: MakeLogBus, channelPrefix: string): SuiteContext {
  const buses: ReplayableLogBus[] = [];
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });
  return {
    bus: async (hooks = {}) => {
      const bus = await makeBus(hooks);
      buses.push(bus);
      return bus;
    },
    channel: () => `${channelPrefix}conformance:${randomUUID()}`,
  };
}

export async function subscribeInbox(bus: ReplayableLogBus, channel: string, label = channel): Promise<MessageInbox> {
  const inbox = new MessageInbox(label);
  await bus.subscribe(channel, inbox.handler);
  return inbox;
}
