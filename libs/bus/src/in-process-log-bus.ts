// The embedded default bus (no REDIS_URL): one process serves everything, messages never leave it.
import { reportHandlerErrorToConsole, type LogBusHooks } from './handler-errors';
import { InProcessLogHub, type HubEndpoint } from './in-process-log-hub';
import type { LogBus, MessageHandler, Unsubscribe } from './log-bus';
import { LogBusClosedError } from './log-bus-errors';
import { LocalFanOut } from './local-fan-out';

export interface InProcessLogBusOptions extends LogBusHooks {
  /** The medium shared with other buses. Default: a private hub, so this bus hears only itself. */
  readonly hub?: InProcessLogHub;
}

export class InProcessLogBus implements LogBus {
  private readonly hub: InProcessLogHub;
  private readonly fanOut: LocalFanOut;
  private readonly endpoint: HubEndpoint = { deliver: (channel, message) => this.fanOut.deliver(channel, message) };
  private closed = false;

  constructor(options: InProcessLogBusOptions = {}) {
    this.hub = options.hub ?? new InProcessLogHub();
    const link = {
      open: async (channel: string) => this.hub.attach(channel, this.endpoint),
      close: async (channel: string) => this.hub.detach(channel, this.endpoint),
    };
    this.fanOut = new LocalFanOut(link, options.onHandlerError ?? reportHandlerErrorToConsole);
  }

  async publish(channel: string, message: string): Promise<void> {
    if (this.closed) throw new LogBusClosedError('publish');
    this.hub.publish(channel, message);
  }

  async subscribe(channel: string, onMessage: MessageHandler): Promise<Unsubscribe> {
    if (this.closed) throw new LogBusClosedError('subscribe');
    return this.fanOut.add(channel, onMessage);
  }

  /** An in-process bus has no connection to lose: listeners are never called. */
  onConnectionChange(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const channel of this.fanOut.channels()) this.hub.detach(channel, this.endpoint);
    this.fanOut.clear();
  }
}
