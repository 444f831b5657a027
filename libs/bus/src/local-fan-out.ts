// The local half of every bus: any number of handlers per channel share one upstream subscription
// per channel (a Redis SUBSCRIBE, or a hub attachment), opened with the first handler and closed
// with the last. Both bus implementations use it, so their fan-out behaves identically.
import type { HandlerErrorReporter } from './handler-errors';
import type { MessageHandler, Unsubscribe } from './log-bus';
import type { MessageId } from './message-ids';

/** The upstream side of a channel: what the fan-out opens once and closes once per channel. */
export interface ChannelLink {
  open(channel: string): Promise<void>;
  close(channel: string): Promise<void>;
}

// An object per subscription, so the same function subscribed twice is two subscribers.
interface Subscriber<M> {
  readonly onMessage: MessageHandler<M>;
}

interface ChannelEntry<M> {
  readonly subscribers: Set<Subscriber<M>>;
  readonly opened: Promise<void>;
}

export class LocalFanOut<M = string> {
  private readonly entries = new Map<string, ChannelEntry<M>>();

  constructor(
    private readonly link: ChannelLink,
    private readonly reportHandlerError: HandlerErrorReporter,
  ) {}

  /** Adds a handler; resolves once the channel's upstream subscription is active. */
  async add(channel: string, onMessage: MessageHandler<M>): Promise<Unsubscribe> {
    const subscriber: Subscriber<M> = { onMessage };
    const entry = this.entries.get(channel) ?? this.open(channel);
    entry.subscribers.add(subscriber);
    try {
      await entry.opened;
    } catch (error) {
      entry.subscribers.delete(subscriber);
      throw error;
    }
    let removed = false;
    return async () => {
      if (removed) return;
      removed = true;
      await this.remove(channel, entry, subscriber);
    };
  }

  /** Hands a message to every handler of exactly this channel; a throwing handler is reported, the rest still run. */
  deliver(channel: string, message: M, id?: MessageId): void {
    const entry = this.entries.get(channel);
    if (entry === undefined) return;
    for (const subscriber of [...entry.subscribers]) {
      // A handler removed by an earlier handler of this same message gets nothing more.
      if (!entry.subscribers.has(subscriber)) continue;
      try {
        subscriber.onMessage(message, id);
      } catch (error) {
        this.reportHandlerError(error, { channel });
      }
    }
  }

  /** Channels with at least one handler (or one being added). */
  channels(): string[] {
    return [...this.entries.keys()];
  }

  /** Forgets every handler without closing upstream subscriptions (their connection is going away). */
  clear(): void {
    this.entries.clear();
  }

  private open(channel: string): ChannelEntry<M> {
    const entry: ChannelEntry<M> = { subscribers: new Set(), opened: this.link.open(channel) };
    this.entries.set(channel, entry);
    entry.opened.catch(() => {
      if (this.entries.get(channel) === entry) this.entries.delete(channel);
    });
    return entry;
  }

  private async remove(channel: string, entry: ChannelEntry<M>, subscriber: Subscriber<M>): Promise<void> {
    entry.subscribers.delete(subscriber);
    if (entry.subscribers.size > 0 || this.entries.get(channel) !== entry) return;
    this.entries.delete(channel);
    await this.link.close(channel);
  }
}
