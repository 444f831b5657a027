// The in-process replay buffers on a controlled clock: ids, count and age bounds, idle expiry.
import { describe, expect, it } from 'vitest';

import { InMemoryReplayBuffers } from './in-memory-replay-buffers';
import { ReplaySettingsSchema, type ReplaySettingsInput } from './replay-settings';

function buffersAt(start: number, replay: ReplaySettingsInput): { buffers: InMemoryReplayBuffers; clock: { now: number } } {
  const clock = { now: start };
  return { buffers: new InMemoryReplayBuffers(ReplaySettingsSchema.parse(replay), () => clock.now), clock };
}

describe('InMemoryReplayBuffers', () => {
  it('mints Redis-style ids that grow within one millisecond and when the clock goes back', () => {
    const { buffers, clock } = buffersAt(1_000, {});
    expect([buffers.append('c', 'a'), buffers.append('c', 'b')]).toEqual(['1000-0', '1000-1']);
    clock.now = 900;
    expect(buffers.append('c', 'c')).toBe('1000-2');
    clock.now = 1_001;
    expect(buffers.append('c', 'd')).toBe('1001-0');
    expect(buffers.append('other', 'e')).toBe('1001-0');
  });

  it('keeps the newest maxMessages and remembers the newest dropped one', () => {
    const { buffers } = buffersAt(1_000, { maxMessages: 2 });
    const ids = ['a', 'b', 'c', 'd'].map((message) => buffers.append('c', message));
    expect(buffers.read('c', ids[1])).toEqual({
      messages: [
        { id: ids[2], message: 'c' },
        { id: ids[3], message: 'd' },
      ],
      complete: true,
    });
    expect(buffers.read('c', ids[0]).complete).toBe(false);
  });

  it('drops messages older than maxAgeMs when the channel next publishes', () => {
    const { buffers, clock } = buffersAt(10_000, { maxMessages: 100, maxAgeMs: 1_000 });
    const old = buffers.append('c', 'old');
    clock.now = 10_999;
    const recent = buffers.append('c', 'recent');
    expect(buffers.read('c', undefined).messages.map(({ message }) => message)).toEqual(['old', 'recent']);
    clock.now = 11_001;
    const newest = buffers.append('c', 'newest');
    expect(buffers.read('c', undefined)).toEqual({
      messages: [
        { id: recent, message: 'recent' },
        { id: newest, message: 'newest' },
      ],
      complete: false,
    });
    expect(buffers.read('c', old).complete).toBe(true);
  });

  it('deletes the buffer of a channel idle for maxAgeMs, like an expiring Redis key', () => {
    const { buffers, clock } = buffersAt(10_000, { maxAgeMs: 1_000 });
    const last = buffers.append('idle', 'm') ?? '';
    buffers.append('busy', 'm');
    clock.now = 10_500;
    buffers.append('busy', 'm');
    clock.now = 10_999;
    expect(buffers.read('idle', last)).toEqual({ messages: [], complete: true });
    clock.now = 11_000;
    expect(buffers.read('idle', last)).toEqual({ messages: [], complete: false });
    expect(buffers.size).toBe(1);
  });

  it('keeps nothing and mints no ids when maxMessages is 0', () => {
    const { buffers } = buffersAt(1_000, { maxMessages: 0 });
    expect(buffers.append('c', 'm')).toBeUndefined();
    expect(buffers.read('c', undefined)).toEqual({ messages: [], complete: true });
    expect(buffers.size).toBe(0);
  });

  it('stays bounded over many publishes', () => {
    const { buffers, clock } = buffersAt(1_000, { maxMessages: 3 });
    for (let i = 0; i < 10_000; i += 1) {
      clock.now += 1;
      buffers.append('c', `m${i}`);
    }
    expect(buffers.read('c', undefined).messages.map(({ message }) => message)).toEqual(['m9997', 'm9998', 'm9999']);
  });
});
