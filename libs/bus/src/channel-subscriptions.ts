// Places channels on subscriber connections, one per Redis node (the one node of a single Redis,
// or the shard serving each channel's slot in a cluster), moves them when the topology changes,
// and turns the state of those connections into the bus's `down`/`up`.
import type { Redis } from 'ioredis';

import { ChannelSubscriber, type ChannelSubscriberEvents, type SubscribeCommand } from './channel-subscriber';
import type { ConnectionStateTracker } from './connection-state';
import { LogBusClosedError } from './log-bus-errors';

/** Where channels live: a single Redis (always the same node) or a cluster's slot map. */
export interface ChannelRouter {
  readonly command: SubscribeCommand;
  /** Nodes whose connections open at once and stay open without channels (a single Redis). */
  readonly pinnedNodes: readonly string[];
  /** The node serving `channel` now; undefined while the topology is unknown. */
  nodeOf(channel: string): string | undefined;
  /** Whether routing works at all (the cluster client is connected). */
  isReady(): boolean;
  /** A new subscriber connection to `node`. */
  connect(node: string): Redis;
  /** Asks for a fresh topology; the owner calls `reroute()` once it arrives. */
  refresh(): void;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

export class ChannelSubscriptions {
  private readonly subscribers = new Map<string, ChannelSubscriber>();
  /** Each channel's subscriber; undefined while its node is unknown. */
  private readonly placement = new Map<string, ChannelSubscriber | undefined>();
  private readonly waiters = new Map<string, Waiter[]>();
  private closed = false;

  constructor(
    private readonly router: ChannelRouter,
    private readonly state: ConnectionStateTracker,
    private readonly onMessage: (channel: string, raw: string) => void,
    private readonly retryMaxDelayMs: number,
  ) {
    for (const node of router.pinnedNodes) this.subscriberFor(node);
  }

  /** Subscribes `channel` on the node serving it; resolves once Redis confirmed it. */
  add(channel: string): Promise<void> {
    const subscribed = new Promise<void>((resolve, reject) => {
      this.waiters.set(channel, [...(this.waiters.get(channel) ?? []), { resolve, reject }]);
    });
    this.place(channel);
    return subscribed;
  }

  async remove(channel: string): Promise<void> {
    const subscriber = this.placement.get(channel);
    this.placement.delete(channel);
    if (subscriber === undefined) return;
    const isLast = subscriber.channels.size === 1 && subscriber.channels.has(channel);
    // Closing a connection ends its subscriptions too.
    if (isLast && !this.isPinned(subscriber)) await this.retire(subscriber);
    else await subscriber.remove(channel);
  }

  /** The topology changed: moves channels whose slot another node serves now, and retries pending ones. */
  reroute(): void {
    if (this.closed) return;
    for (const [channel, current] of [...this.placement]) {
      const node = this.router.nodeOf(channel);
      if (current !== undefined && current.node === node) continue;
      // Messages published on the new node before the move completes are lost: a possible gap.
      if (current?.isActive(channel) === true) this.state.lost();
      // Failing to end the old subscription means its connection dropped, which ended it too.
      if (current !== undefined) this.remove(channel).catch(() => undefined);
      this.place(channel);
    }
    for (const subscriber of this.subscribers.values()) subscriber.resend();
    this.reportIfUp();
  }

  /** Reports `up` when routing works and every connection has all its channels subscribed. */
  reportIfUp(): void {
    if (this.closed || !this.router.isReady()) return;
    for (const subscriber of this.subscribers.values()) if (!subscriber.caughtUp) return;
    this.state.regained();
  }

  /** Channels with a subscription (or one being made). */
  channels(): string[] {
    return [...this.placement.keys()];
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const channel of this.waiters.keys()) this.settle(channel, new LogBusClosedError('subscribe'));
    this.placement.clear();
    const subscribers = [...this.subscribers.values()];
    this.subscribers.clear();
    await Promise.all(subscribers.map((subscriber) => subscriber.close()));
  }

  private place(channel: string): void {
    const node = this.router.nodeOf(channel);
    const subscriber = node === undefined ? undefined : this.subscriberFor(node);
    this.placement.set(channel, subscriber);
    subscriber?.add(channel);
  }

  private subscriberFor(node: string): ChannelSubscriber {
    const existing = this.subscribers.get(node);
    if (existing !== undefined) return existing;
    // The events need the subscriber, which needs the events: bind them after construction.
    const events: ChannelSubscriberEvents = {
      message: this.onMessage,
      active: (channel) => {
        if (this.placement.get(channel) !== subscriber) return;
        this.settle(channel);
        this.reportIfUp();
      },
      refused: (channel, error) => {
        if (this.placement.get(channel) !== subscriber) return;
        this.placement.delete(channel);
        this.settle(channel, error);
        if (subscriber.channels.size === 0 && !this.isPinned(subscriber)) void this.retire(subscriber);
      },
      ready: () => this.reportIfUp(),
      lost: () => {
        if (subscriber.channels.size > 0 || this.isPinned(subscriber)) this.state.lost();
      },
      misrouted: () => this.router.refresh(),
    };
    const subscriber = new ChannelSubscriber(node, this.router.connect(node), this.router.command, events, this.retryMaxDelayMs);
    this.subscribers.set(node, subscriber);
    return subscriber;
  }

  private isPinned(subscriber: ChannelSubscriber): boolean {
    return this.router.pinnedNodes.includes(subscriber.node);
  }

  /** Closes a connection that has no channel left; a later channel of its node opens a new one. */
  private retire(subscriber: ChannelSubscriber): Promise<void> {
    if (this.subscribers.get(subscriber.node) === subscriber) this.subscribers.delete(subscriber.node);
    return subscriber.close();
  }

  private settle(channel: string, error?: Error): void {
    const waiting = this.waiters.get(channel) ?? [];
    this.waiters.delete(channel);
    for (const waiter of waiting) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }
}
