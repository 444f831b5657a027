import { describe, expect, it } from 'vitest';

import type { LogRecord, TargetRef } from './records';
import { StreamEventQueue } from './stream-event-queue';

const target: TargetRef = { namespace: 'acme', pod: 'web-0', container: 'app' };
const records = (...lines: string[]): LogRecord[] =>
  lines.map((line, i) => ({ ts: '2026-01-01T00:00:00.000000000Z', target, stream: 'stdout', line, cursor: String(i) }));

describe('StreamEventQueue', () => {
  it('yields events in push order, waiting for those pushed later', async () => {
    const queue = new StreamEventQueue();
    const abort = new AbortController();
    queue.push({ type: 'target', op: 'added', target });
    const drain = queue.drain(abort.signal);
    expect((await drain.next()).value).toEqual({ type: 'target', op: 'added', target });
    const next = drain.next();
    queue.push({ type: 'records', records: records('a') });
    expect((await next).value).toEqual({ type: 'records', records: records('a') });
    abort.abort();
  });

  it('counts the records waiting until they are yielded', async () => {
    const queue = new StreamEventQueue();
    queue.push({ type: 'records', records: records('a', 'b') });
    queue.push({ type: 'target', op: 'removed', target });
    queue.push({ type: 'records', records: records('c') });
    expect(queue.records).toBe(3);
    const drain = queue.drain(new AbortController().signal);
    await drain.next();
    expect(queue.records).toBe(1);
    await drain.return(undefined);
  });

  it('ends a waiting drain when the signal aborts', async () => {
    const queue = new StreamEventQueue();
    const abort = new AbortController();
    const next = queue.drain(abort.signal).next();
    abort.abort();
    expect(await next).toEqual({ done: true, value: undefined });
  });

  it('forgets what waits on clear', async () => {
    const queue = new StreamEventQueue();
    queue.push({ type: 'records', records: records('a') });
    queue.clear();
    expect(queue.records).toBe(0);
    const abort = new AbortController();
    const next = queue.drain(abort.signal).next();
    abort.abort();
    expect(await next).toEqual({ done: true, value: undefined });
  });
});
