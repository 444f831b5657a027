// One subscriber connection to one Redis node. It keeps the channels it holds subscribed across
// reconnects (SUBSCRIBE on a single Redis, SSUBSCRIBE on a cluster shard; one channel per command,
// since a cluster refuses channels of different slots in one SSUBSCRIBE) and tells its owner when
// a channel became active, was refused, or when the connection dropped.
import type { Redis } from 'ioredis';

import { reconnectDelayMs } from './redis-connection-settings';
import { closeRedisConnection } from './redis-connections';

export type SubscribeCommand = 'subscribe' | 'ssubscribe';

export interface ChannelSubscriberEvents {
  message(channel: string, raw: string): void;
  /** `channel` is subscribed on the current connection. */
  active(channel: string): void;
  /** Redis refused `channel` for good (an ACL, an unknown command); it is no longer held. */
  refused(channel: string, error: Error): void;
  /** The connection is ready again (or for the first time); re-subscribing has started. */
  ready(): void;
  /** The connection dropped: its subscriptions are gone until it is back. */
  lost(): void;
  /** The node does not serve a channel's slot right now: the owner should refresh the topology. */
  misrouted(): void;
}

// Answers of a cluster node in transition: try again once the topology settles.
const RETRYABLE = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN|LOADING|MASTERDOWN)\b/;

export class ChannelSubscriber {
  private readonly held = new Set<string>();
  private readonly active = new Set<string>();
  private retryTimer: NodeJS.Timeout | undefined;
  private retries = 0;
  private closed = false;

  constructor(
    readonly node: string,
    private readonly connection: Redis,
    private readonly command: SubscribeCommand,
    private readonly events: ChannelSubscriberEvents,
    private readonly retryMaxDelayMs: number,
  ) {
    const messageEvent = command === 'ssubscribe' ? 'smessage' : 'message';
    connection.on(messageEvent, (channel: string, raw: string) => events.message(channel, raw));
    connection.on('ready', () => {
      for (const channel of this.held) this.send(channel);
      events.ready();
    });
    connection.on('close', () => {
      this.active.clear();
      if (!this.closed) events.lost();
    });
    // ioredis answers an SSUBSCRIBE that got MOVED with this event instead of rejecting it.
    connection.on('moved', () => events.misrouted());
  }

  get channels(): ReadonlySet<string> {
    return this.held;
  }

  /** Connected, with every held channel subscribed. */
  get caughtUp(): boolean {
    return this.connection.status === 'ready' && this.active.size === this.held.size;
  }

  isActive(channel: string): boolean {
    return this.active.has(channel);
  }

  /** Holds `channel` from now on; `active` follows once Redis confirmed it. */
  add(channel: string): void {
    this.held.add(channel);
    if (this.connection.status === 'ready') this.send(channel);
  }

  /** Stops holding `channel`; ends its subscription if there is one and the connection is up. */
  async remove(channel: string): Promise<void> {
    this.held.delete(channel);
    // While the connection is down there is nothing to end: the next connection subscribes only
    // held channels. Waiting for Redis here would hang teardown for an outage.
    if (this.active.delete(channel) && this.connection.status === 'ready') await this.unsubscribe(channel);
  }

  /** Subscribes again every held channel that is not active (after a topology change or a refusal in transition). */
  resend(): void {
    if (this.connection.status !== 'ready') return;
    for (const channel of this.held) if (!this.active.has(channel)) this.send(channel);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await closeRedisConnection(this.connection);
  }

  private send(channel: string): void {
    const subscribing = this.command === 'ssubscribe' ? this.connection.ssubscribe(channel) : this.connection.subscribe(channel);
    subscribing.then(
      () => this.confirmed(channel),
      (error: unknown) => this.failed(channel, error instanceof Error ? error : new Error(String(error))),
    );
  }

  private confirmed(channel: string): void {
    if (this.closed) return;
    // Removed while the command was in flight: end the subscription it just made.
    if (!this.held.has(channel)) {
      // It can only fail if the connection dropped, which ends the subscription as well.
      if (this.connection.status === 'ready') this.unsubscribe(channel).catch(() => undefined);
      return;
    }
    this.retries = 0;
    if (this.active.has(channel)) return;
    this.active.add(channel);
    this.events.active(channel);
  }

  private failed(channel: string, error: Error): void {
    if (this.closed || !this.held.has(channel)) return;
    // A dropped connection re-subscribes every held channel once it is ready again.
    if (this.connection.status !== 'ready') return;
    if (!RETRYABLE.test(error.message)) {
      this.held.delete(channel);
      this.active.delete(channel);
      this.events.refused(channel, error);
      return;
    }
    this.events.misrouted();
    this.retryTimer ??= setTimeout(
      () => {
        this.retryTimer = undefined;
        this.resend();
      },
      reconnectDelayMs(++this.retries, this.retryMaxDelayMs),
    );
  }

  private async unsubscribe(channel: string): Promise<void> {
    await (this.command === 'ssubscribe' ? this.connection.sunsubscribe(channel) : this.connection.unsubscribe(channel));
  }
}
