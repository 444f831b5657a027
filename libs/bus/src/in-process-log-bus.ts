// The embedded default bus (no REDIS_URL): one process serves everything, messages never leave it.
import { reportHandlerErrorToConsole, type LogBusHooks } from './handler-errors';
import { InProcessLogHub, type HubEndpoint, type InProcessLogHubOptions } from './in-process-log-hub';
import type { MessageHandler, PublishOptions, ReplayableLogBus, ReplayResult, Unsubscribe } from './log-bus';
import { LogBusClosedError } from './log-bus-errors';
import { LocalFanOut } from './local-fan-out';
import { assertMessageId, type MessageId } from './message-ids';

export interface InProcessLogBusOptions<M = string> extends LogBusHooks, InProcessLogHubOptions {
  /**
   * The medium shared with other buses; it brings its own replay settings and clock, so `replay`
   * and `now` must not be given with it. Default: a private hub, so this bus hears only itself.
   */
  readonly hub?: InProcessLogHub<M>;
}

/** `M`: what a message is; it is handed to subscribers as it was published, never copied or serialised. */
export class InProcessLogBus<M = string> implements ReplayableLogBus<M> {
  private readonly hub: InProcessLogHub<M>;
  private readonly fanOut: LocalFanOut<M>;
  private readonly endpoint: HubEndpoint<M> = { deliver: (channel, message, id) => this.fanOut.deliver(channel, message, id) };
  private closed = false;

  constructor(options: InProcessLogBusOptions<M> = {}) {
    const { hub, replay, now, onHandlerError = reportHandlerErrorToConsole } = options;
    if (hub !== undefined && (replay !== undefined || now !== undefined)) {
      throw new TypeError('InProcessLogBus: give replay settings and the clock to the shared hub, not to the bus');
    }
    this.hub = hub ?? new InProcessLogHub<M>({ replay, now });
    const link = {
      open: async (channel: string) => this.hub.attach(channel, this.endpoint),
      close: async (channel: string) => this.hub.detach(channel, this.endpoint),
    };
    this.fanOut = new LocalFanOut<M>(link, onHandlerError);
  }

  async publish(channel: string, message: M, options?: PublishOptions): Promise<void> {
    if (this.closed) throw new LogBusClosedError('publish');
    this.hub.publish(channel, message, options?.replay !== false);
  }

  async subscribe(channel: string, onMessage: MessageHandler<M>): Promise<Unsubscribe> {
    if (this.closed) throw new LogBusClosedError('subscribe');
    return this.fanOut.add(channel, onMessage);
  }

  async replay(channel: string, afterId?: MessageId): Promise<ReplayResult<M>> {
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
