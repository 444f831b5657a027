// Local fan-out: one upstream subscription per channel, isolated handlers.
import { describe, expect, it, vi } from 'vitest';

import type { HandlerErrorContext } from './handler-errors';
import { LocalFanOut, type ChannelLink } from './local-fan-out';

function recordingLink(): ChannelLink & { readonly calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    open: async (channel) => void calls.push(`open ${channel}`),
    close: async (channel) => void calls.push(`close ${channel}`),
  };
}

describe('LocalFanOut', () => {
  it('opens a channel once for many handlers and closes it with the last one', async () => {
    const link = recordingLink();
    const fanOut = new LocalFanOut(link, vi.fn());
    const removers = await Promise.all([1, 2, 3].map(() => fanOut.add('c', () => undefined)));
    expect(link.calls).toEqual(['open c']);
    await removers[0]?.();
    await removers[1]?.();
    expect(link.calls).toEqual(['open c']);
    await removers[2]?.();
    expect(link.calls).toEqual(['open c', 'close c']);
    expect(fanOut.channels()).toEqual([]);
  });

  it('delivers to handlers of exactly the given channel', async () => {
    const fanOut = new LocalFanOut(recordingLink(), vi.fn());
    const seen: string[] = [];
    await fanOut.add('a', (m) => seen.push(`a:${m}`));
    await fanOut.add('ab', (m) => seen.push(`ab:${m}`));
    fanOut.deliver('a', '1');
    fanOut.deliver('ab', '2');
    fanOut.deliver('b', '3');
    expect(seen).toEqual(['a:1', 'ab:2']);
  });

  it('counts the same function subscribed twice as two handlers', async () => {
    const fanOut = new LocalFanOut(recordingLink(), vi.fn());
    const handler = vi.fn();
    const removeFirst = await fanOut.add('c', handler);
    await fanOut.add('c', handler);
    await removeFirst();
    await removeFirst();
    fanOut.deliver('c', 'm');
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('reports a throwing handler and still runs the others', async () => {
    const report = vi.fn<(error: unknown, context: HandlerErrorContext) => void>();
    const fanOut = new LocalFanOut(recordingLink(), report);
    const boom = new Error('boom');
    const after = vi.fn();
    await fanOut.add('c', () => {
      throw boom;
    });
    await fanOut.add('c', after);
    fanOut.deliver('c', 'm', '7-1');
    expect(after).toHaveBeenCalledWith('m', '7-1');
    expect(report).toHaveBeenCalledWith(boom, { channel: 'c' });
  });

  it('skips a handler removed by an earlier handler of the same message', async () => {
    const fanOut = new LocalFanOut(recordingLink(), vi.fn());
    const second = vi.fn();
    const removers: Array<() => Promise<void>> = [];
    await fanOut.add('c', () => void removers[0]?.());
    removers.push(await fanOut.add('c', second));
    fanOut.deliver('c', 'm');
    expect(second).not.toHaveBeenCalled();
  });

  it('rejects every waiting handler when opening fails, and can open the channel again later', async () => {
    let fail = true;
    const link: ChannelLink = {
      open: async () => {
        if (fail) throw new Error('refused');
      },
      close: async () => undefined,
    };
    const fanOut = new LocalFanOut(link, vi.fn());
    const handler = vi.fn();
    await expect(Promise.all([fanOut.add('c', handler), fanOut.add('c', handler)])).rejects.toThrow('refused');
    fanOut.deliver('c', 'lost');
    expect(handler).not.toHaveBeenCalled();
    fail = false;
    await fanOut.add('c', handler);
    fanOut.deliver('c', 'kept', undefined);
    expect(handler).toHaveBeenCalledExactlyOnceWith('kept', undefined);
  });

  it('forgets every handler on clear without closing upstream subscriptions', async () => {
    const link = recordingLink();
    const fanOut = new LocalFanOut(link, vi.fn());
    const handler = vi.fn();
    const remove = await fanOut.add('c', handler);
    fanOut.clear();
    fanOut.deliver('c', 'm');
    await remove();
    expect(handler).not.toHaveBeenCalled();
    expect(link.calls).toEqual(['open c']);
  });
});
