// The shared medium of in-process buses — what Redis is to RedisLogBus, replay buffers included.
// Each bus gets a private hub by default; buses given the same hub see each other's messages and
// buffers, like processes on one Redis.
import { InMemoryReplayBuffers } from './in-memory-replay-buffers';
import type { ReplayResult } from './log-bus';
import type { MessageId } from './message-ids';
import { ReplaySettingsSchema, type ReplaySettingsInput } from './replay-settings';

/** A bus attached to a hub: receives every message published on the channels it attached to. */
export interface HubEndpoint<M = string> {
  deliver(channel: string, message: M, id: MessageId | undefined): void;
}

export interface InProcessLogHubOptions {
  /** Bounds of each channel's replay buffer. Default: `ReplaySettingsSchema` defaults (100 messages, 60 s). */
  readonly replay?: ReplaySettingsInput;
  /** The clock that mints ids and ages messages. Default `Date.now`. */
  readonly now?: () => number;
}

export class InProcessLogHub<M = string> {
  private readonly endpoints = new Map<string, Set<HubEndpoint<M>>>();
  private readonly buffers: InMemoryReplayBuffers<M>;

  constructor(options: InProcessLogHubOptions = {}) {
    this.buffers = new InMemoryReplayBuffers<M>(ReplaySettingsSchema.parse(options.replay), options.now ?? Date.now);
  }

  attach(channel: string, endpoint: HubEndpoint<M>): void {
    const attached = this.endpoints.get(channel) ?? new Set<HubEndpoint<M>>();
    attached.add(endpoint);
    this.endpoints.set(channel, attached);
  }

  detach(channel: string, endpoint: HubEndpoint<M>): void {
    const attached = this.endpoints.get(channel);
    attached?.delete(endpoint);
    if (attached?.size === 0) this.endpoints.delete(channel);
  }

  /** How many endpoints listen on a channel (the hub's `PUBSUB NUMSUB`). */
  subscriberCount(channel: string): number {
    return this.endpoints.get(channel)?.size ?? 0;
  }

  /** How many channels hold a replay buffer (idle ones are deleted after `maxAgeMs`). */
  bufferedChannelCount(): number {
    return this.buffers.size;
  }

  /**
   * Keeps the message in the channel's replay buffer (unless `keep` is false), then queues delivery to the endpoints
   * attached right now. Delivery runs in a microtask, so a handler never runs inside `publish`,
   * and microtasks run in queue order, so order is kept.
   */
  publish(channel: string, message: M, keep = true): void {
    const id = keep ? this.buffers.append(channel, message) : undefined;
    const attached = this.endpoints.get(channel);
    if (attached === undefined) return;
    const recipients = [...attached];
    queueMicrotask(() => {
      for (const endpoint of recipients) endpoint.deliver(channel, message, id);
    });
  }

  replay(channel: string, afterId: MessageId | undefined): ReplayResult<M> {
    return this.buffers.read(channel, afterId);
  }
}
