// The replay buffers of the in-process bus: per channel, the newest messages within the count and
// age bounds, trimmed exactly as the Redis bus trims its streams, so one process behaves like a
// deployment on Redis (same ids, same gaps).
import type { ReplayResult } from './log-bus';
import { compareMessageIds, formatMessageId, type MessageId } from './message-ids';
import { isReplayComplete, NONE_DROPPED } from './replay-completeness';
import type { ReplaySettings } from './replay-settings';

interface HeldMessage<M> {
  readonly id: MessageId;
  readonly message: M;
  /** The time part of `id`: what the age bound compares. */
  readonly ms: number;
}

interface ChannelBuffer<M> {
  readonly held: HeldMessage<M>[];
  /** Index of the oldest held message in `held`; the ones before it were dropped. */
  start: number;
  maxDroppedId: MessageId;
  lastMs: number;
  lastSeq: number;
  lastPublishedAt: number;
}

export class InMemoryReplayBuffers<M = string> {
  // Insertion order is publish order (a publish re-inserts its channel), so idle buffers come first.
  private readonly buffers = new Map<string, ChannelBuffer<M>>();

  constructor(
    private readonly settings: ReplaySettings,
    private readonly now: () => number,
  ) {}

  /** Keeps `message` and returns its id; undefined when replay is off (`maxMessages: 0`). */
  append(channel: string, message: M): MessageId | undefined {
    if (this.settings.maxMessages === 0) return undefined;
    const now = this.now();
    this.dropIdle(now);
    const buffer = this.buffers.get(channel) ?? {
      held: [],
      start: 0,
      maxDroppedId: NONE_DROPPED,
      lastMs: 0,
      lastSeq: -1,
      lastPublishedAt: now,
    };
    const ms = Math.max(now, buffer.lastMs);
    buffer.lastSeq = ms === buffer.lastMs ? buffer.lastSeq + 1 : 0;
    buffer.lastMs = ms;
    buffer.lastPublishedAt = now;
    const id = formatMessageId(ms, buffer.lastSeq);
    buffer.held.push({ id, message, ms });
    this.trim(buffer, ms - this.settings.maxAgeMs);
    this.buffers.delete(channel);
    this.buffers.set(channel, buffer);
    return id;
  }

  read(channel: string, afterId: MessageId | undefined): ReplayResult<M> {
    this.dropIdle(this.now());
    const buffer = this.buffers.get(channel);
    if (buffer === undefined) return { messages: [], complete: isReplayComplete(afterId, undefined) };
    const held = buffer.held.slice(buffer.start);
    const messages = afterId === undefined ? held : held.filter((entry) => compareMessageIds(entry.id, afterId) > 0);
    const bounds = { firstId: held[0]?.id, maxDroppedId: buffer.maxDroppedId };
    return { messages: messages.map(({ id, message }) => ({ id, message })), complete: isReplayComplete(afterId, bounds) };
  }

  /** How many channels have a buffer (for tests of the idle expiry). */
  get size(): number {
    this.dropIdle(this.now());
    return this.buffers.size;
  }

  // Age first, then count: the order of the Redis publish script.
  private trim(buffer: ChannelBuffer<M>, oldestKeptMs: number): void {
    const { held } = buffer;
    while ((held[buffer.start]?.ms ?? oldestKeptMs) < oldestKeptMs) this.dropOldest(buffer);
    while (held.length - buffer.start > this.settings.maxMessages) this.dropOldest(buffer);
    if (buffer.start > 64 && buffer.start * 2 > held.length) {
      held.splice(0, buffer.start);
      buffer.start = 0;
    }
  }

  private dropOldest(buffer: ChannelBuffer<M>): void {
    const dropped = buffer.held[buffer.start];
    if (dropped === undefined) return;
    buffer.maxDroppedId = dropped.id;
    buffer.start += 1;
  }

  // Like a Redis key's PEXPIRE, renewed by every publish.
  private dropIdle(now: number): void {
    for (const [channel, buffer] of this.buffers) {
      if (now - buffer.lastPublishedAt < this.settings.maxAgeMs) return;
      this.buffers.delete(channel);
    }
  }
}
