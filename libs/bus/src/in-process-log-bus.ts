// The embedded default bus (no REDIS_URL): one process serves everything, messages never leave it.
import { reportHandlerErrorToConsole, type LogBusHooks } from './handler-errors';
import { InProcessLogHub, type HubEndpoint, type InProcessLogHubOptions } from './in-process-log-hub';
import type { MessageHandler, ReplayableLogBus, ReplayResult, Unsubscribe } from './log-bus';
import { LogBusClosedError } from './log-bus-errors';
import { LocalFanOut } from './local-fan-out';
import { assertMessageId, type MessageId } from './message-ids';

export interface InProcessLogBusOptions extends LogBusHooks, InProcessLogHubOptions {
  /**
   * The medium shared with other buses; it brings its own replay settings and clock, so `replay`
   * and `now` must not be given with it. Default: a private hub, so this bus hears only itself.
   */
  readonly hub?: InProcessLogHub;
}

export class InProcessLogBus implements ReplayableLogBus {
  private readonly hub: InProcessLogHub;
  private readonly fanOut: LocalFanOut;
  private readonly endpoint: HubEndpoint = { deliver: (channel, message, id) => this.fanOut.deliver(channel, message, id) };
  private closed = false;

  constructor(options: InProcessLogBusOptions = {}) {
    const { hub, replay, now, onHandlerError = reportHandlerErrorToConsole } = options;
    if (hub !== undefined && (replay !== undefined || now !== undefined)) {
      throw new TypeError('InProcessLogBus: give replay settings and the clock to the shared hub, not to the bus');
    }
    this.hub = hub ?? new InProcessLogHub({ replay, now });
    const link = {
      open: async (channel: string) => this.hub.attach(channel, this.endpoint),
      close: async (channel: string) => this.hub.detach(channel, this.endpoint),
    };
    this.fanOut = new LocalFanOut(link, onHandlerError);
  }

  async publish(channel: string, message: string): Promise<void> {
    if (this.closed) throw new LogBusClosedError('publish');
    this.hub.publish(channel, message);
  }

  async subscribe(channel: string, onMessage: MessageHandler): Promise<Unsubscribe> {
    if (this.closed) throw new LogBusClosedError('subscribe');
    return this.fanOut.add(channel, onMessage);
  }

  async replay(channel: string, afterId?: MessageId): Promise<ReplayResult> {
    if (this.closed) throw new LogBusClosedError('replay');
    if (afterId !== undefined) assertMessageId(afterId);
    return this.hub.replay(channel, afterId);
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
