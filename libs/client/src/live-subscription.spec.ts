import type { WireRecord } from '@tailgate/contracts';
import { describe, expect, it } from 'vitest';

import { LiveSubscription, type SubscriptionHost } from './live-subscription';
import type { SubscriptionEvent } from './subscription';
import { TailgateError } from './tailgate-error';

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
const record = (container: string, cursor: string, ts = '2026-01-01T12:00:00Z'): WireRecord => ({
  ts,
  ns: 'ns',
  pod: 'pod',
  container,
  stream: 'stdout',
  line: `${container}:${cursor}`,
  cursor,
});
const records = (sub: string, ...batch: WireRecord[]) => ({ name: 'records' as const, event: { sub, batch } });
const target = { ns: 'ns', pod: 'pod', container: 'a' };

function host(): SubscriptionHost & { unsubscribed: string[] } {
  const unsubscribed: string[] = [];
  return {
    unsubscribed,
    unsubscribe: (_subscription, id) => {
      unsubscribed.push(id);
      return Promise.resolve();
    },
  };
}

function heard(subscription: LiveSubscription): SubscriptionEvent[] {
  const events: SubscriptionEvent[] = [];
  for (const type of ['records', 'target', 'gap', 'reconnecting', 'resumed', 'ended'] as const) {
    subscription.on(type, (event: SubscriptionEvent) => events.push(event));
  }
  return events;
}

describe('LiveSubscription', () => {
  it('holds events of its first task for listeners attached after subscribe() resolves', async () => {
    const subscription = new LiveSubscription({ source: 's' }, 'id-1', [], host());
    subscription.receive({ name: 'target', event: { sub: 'id-1', op: 'added', target } });
    const events = heard(subscription);
    expect(events).toEqual([]);
    await nextTask();
    expect(events).toEqual([{ type: 'target', op: 'added', target }]);
  });

  it('queues nothing for an iterator nobody asked for, and an iterator made after subscribe() resolves sees everything', async () => {
    const listened = new LiveSubscription({ source: 's', bufferRecords: 2 }, 'id-1', [], host());
    const events = heard(listened);
    await nextTask();
    for (let i = 1; i <= 10; i++) listened.receive(records('id-1', record('a', String(i))));
    // Only listened to: no client-side drop is ever counted, since nothing was held.
    expect(events.filter((e) => e.type === 'records')).toHaveLength(10);
    expect(events.some((e) => e.type === 'dropped')).toBe(false);
    listened.end({ type: 'ended', reason: 'complete' });
    expect(await listened[Symbol.asyncIterator]().next()).toEqual({ value: undefined, done: true });

    const iterated = new LiveSubscription({ source: 's' }, 'id-2', [], host());
    iterated.receive({ name: 'target', event: { sub: 'id-2', op: 'added', target } });
    const iterator = iterated[Symbol.asyncIterator]();
    iterated.receive(records('id-2', record('a', '1')));
    iterated.end({ type: 'ended', reason: 'complete' });
    const seen: string[] = [];
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) seen.push(next.value.type);
    expect(seen).toEqual(['target', 'records', 'ended']);
  });

  it('drops a repeat of a container’s last record and keeps the cursors for a resume', async () => {
    const subscription = new LiveSubscription({ source: 's', tail: 5 }, 'id-1', [], host());
    const events = heard(subscription);
    await nextTask();
    subscription.receive(records('id-1', record('a', '1'), record('a', '2')));
    subscription.receive(records('id-1', record('a', '2')));
    subscription.receive(records('id-1', record('a', '3')));
    expect(events.flatMap((e) => (e.type === 'records' ? e.records.map((r) => r.line) : []))).toEqual(['a:1', 'a:2', 'a:3']);
    expect(subscription.resubscribeRequest()).toEqual({ source: 's', resume: { 'ns/pod/a': '3' } });
  });

  it('passes the records the merge holds on before a notice', async () => {
    const subscription = new LiveSubscription({ source: 's', merge: { windowMs: 60_000 } }, 'id-1', [], host());
    const events = heard(subscription);
    await nextTask();
    subscription.receive(records('id-1', record('b', '1', '2026-01-01T12:00:02Z')));
    subscription.receive(records('id-1', record('a', '1', '2026-01-01T12:00:01Z')));
    expect(events).toEqual([]);
    subscription.receive({ name: 'gap', event: { sub: 'id-1', reason: 'takeover' } });
    expect(events.map((e) => (e.type === 'records' ? e.records.map((r) => r.line) : e.type))).toEqual([['a:1', 'b:1'], 'gap']);
    subscription.end({ type: 'ended', error: new TailgateError('closed', 'closed') });
  });

  it('reports reconnecting and resumed, takes the new id, and ends last, once', async () => {
    const subscription = new LiveSubscription({ source: 's' }, 'id-1', [], host());
    const events = heard(subscription);
    await nextTask();
    subscription.reconnecting(1);
    expect(subscription.phase).toEqual({ kind: 'suspended', id: 'id-1' });
    subscription.resumed('id-2', [{ ns: 'ns' }]);
    expect(subscription.id).toBe('id-2');
    subscription.end({ type: 'ended', reason: 'complete' });
    subscription.end({ type: 'ended', reason: 'unsubscribed' });
    subscription.receive(records('id-2', record('a', '9')));
    expect(events.map((e) => e.type)).toEqual(['reconnecting', 'resumed', 'ended']);
    expect(await subscription.done()).toEqual({ type: 'ended', reason: 'complete' });
    expect(subscription.closed).toBe(true);
  });

  it('asks the server to unsubscribe only while live on a connection', async () => {
    const live = host();
    const subscription = new LiveSubscription({ source: 's' }, 'id-1', [], live);
    await subscription.unsubscribe();
    expect(live.unsubscribed).toEqual(['id-1']);
    expect(await subscription.done()).toEqual({ type: 'ended', reason: 'unsubscribed' });

    const away = host();
    const suspended = new LiveSubscription({ source: 's' }, 'id-1', [], away);
    suspended.reconnecting(1);
    await suspended.unsubscribe();
    expect(away.unsubscribed).toEqual([]);
    expect(suspended.closed).toBe(true);
  });

  it('keeps delivering when a listener throws', async () => {
    const subscription = new LiveSubscription({ source: 's' }, 'id-1', [], host());
    const events = heard(subscription);
    await nextTask();
    const thrown: unknown[] = [];
    const onUncaught = (error: unknown) => thrown.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      subscription.on('records', () => {
        throw new Error('caller bug');
      });
      subscription.receive(records('id-1', record('a', '1')));
      subscription.receive(records('id-1', record('a', '2')));
      await nextTask();
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(events.filter((e) => e.type === 'records')).toHaveLength(2);
    expect(thrown).toEqual([new Error('caller bug'), new Error('caller bug')]);
  });
});
