// In-process bus specifics: asynchronous delivery, private vs shared hub, handler errors.
import { describe, expect, it, vi } from 'vitest';

import { InProcessLogBus } from './in-process-log-bus';
import { InProcessLogHub } from './in-process-log-hub';
import { LogBusClosedError } from './log-bus-errors';

// Resolves after every microtask queued so far (and those they queue) has run.
const drainMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('InProcessLogBus', () => {
  it('never calls a handler inside publish, even when the handler publishes itself', async () => {
    const bus = new InProcessLogBus();
    const events: string[] = [];
    await bus.subscribe('c', (message) => {
      events.push(`handle ${message}`);
      if (message === 'first') void bus.publish('c', 'second');
      events.push(`handled ${message}`);
    });
    const publishing = bus.publish('c', 'first');
    events.push('publish returned');
    await publishing;
    await drainMicrotasks();
    expect(events).toEqual(['publish returned', 'handle first', 'handled first', 'handle second', 'handled second']);
  });

  it('hands messages over as the objects they are, and keeps no replay copy of those published with replay: false', async () => {
    const bus = new InProcessLogBus<{ readonly n: number }>();
    const heard: [{ readonly n: number }, string | undefined][] = [];
    await bus.subscribe('c', (message, id) => heard.push([message, id]));
    const kept = { n: 1 };
    const passing = { n: 2 };
    await bus.publish('c', kept);
    await bus.publish('c', passing, { replay: false });
    await drainMicrotasks();
    expect(heard[0]?.[0]).toBe(kept);
    expect(heard[0]?.[1]).toMatch(/^\d+-\d+$/);
    expect(heard[1]).toEqual([passing, undefined]);
    expect(heard[1]?.[0]).toBe(passing);
    expect((await bus.replay('c')).messages.map(({ message }) => message)).toEqual([kept]);
    await bus.close();
  });

  it('hears only itself on a private hub', async () => {
    const [a, b] = [new InProcessLogBus(), new InProcessLogBus()];
    const heard = vi.fn();
    await a.subscribe('c', heard);
    await b.publish('c', 'from b');
    await drainMicrotasks();
    expect(heard).not.toHaveBeenCalled();
  });

  it('attaches one endpoint per channel to a shared hub however many handlers, and detaches on close', async () => {
    const hub = new InProcessLogHub();
    const bus = new InProcessLogBus({ hub });
    const removers = await Promise.all([1, 2, 3].map(() => bus.subscribe('c', () => undefined)));
    expect(hub.subscriberCount('c')).toBe(1);
    await removers[0]?.();
    expect(hub.subscriberCount('c')).toBe(1);
    await bus.close();
    expect(hub.subscriberCount('c')).toBe(0);
  });

  it('drops messages already queued for a handler that unsubscribed before delivery', async () => {
    const bus = new InProcessLogBus();
    const heard = vi.fn();
    const unsubscribe = await bus.subscribe('c', heard);
    const publishing = bus.publish('c', 'queued');
    await unsubscribe();
    await publishing;
    await drainMicrotasks();
    expect(heard).not.toHaveBeenCalled();
  });

  it('reports a throwing handler through onHandlerError', async () => {
    const onHandlerError = vi.fn();
    const bus = new InProcessLogBus({ onHandlerError });
    const error = new Error('handler bug');
    await bus.subscribe('c', () => {
      throw error;
    });
    await bus.publish('c', 'm');
    await drainMicrotasks();
    expect(onHandlerError).toHaveBeenCalledWith(error, { channel: 'c' });
  });

  it('rejects use after close with a coded error', async () => {
    const bus = new InProcessLogBus();
    await bus.close();
    await expect(bus.publish('c', 'm')).rejects.toBeInstanceOf(LogBusClosedError);
    await expect(bus.subscribe('c', () => undefined)).rejects.toMatchObject({ code: 'bus_closed' });
  });

  it('takes replay settings for its private hub only: a shared hub brings its own', () => {
    expect(() => new InProcessLogBus({ hub: new InProcessLogHub(), replay: { maxMessages: 5 } })).toThrow(TypeError);
    expect(() => new InProcessLogBus({ hub: new InProcessLogHub(), now: () => 0 })).toThrow(/to the shared hub/);
  });

  it('replays on its private hub with the clock it was given', async () => {
    const bus = new InProcessLogBus({ replay: { maxMessages: 1 }, now: () => 42 });
    await bus.publish('c', 'a');
    await bus.publish('c', 'b');
    expect(await bus.replay('c', '42-0')).toEqual({ messages: [{ id: '42-1', message: 'b' }], complete: true });
    expect(await bus.replay('c')).toEqual({ messages: [{ id: '42-1', message: 'b' }], complete: false });
  });
});
