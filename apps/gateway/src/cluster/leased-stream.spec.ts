// How a stream's holder records where its successor resumes: one cursor write on its way at a
// time, the batches published meanwhile merged into the next (the last cursor of each target),
// and the lease given back only after the last write. And when a claim is live for a subscriber:
// not before its upstream started, or another replica was found running it.
import { InProcessLogBus } from '@tailgate/bus';
import { silentLogger } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { StreamDescriptor } from '../model/stream-descriptor';
import type { LeaseTick, StreamLease } from './lease-tick';
import { LeasedStream } from './leased-stream';
import type { RedisStreamLeases } from './redis-stream-leases';
import type { UpstreamGrant } from './stream-claim';
import { streamLeaseKeys } from './stream-lease-keys';

const lease: StreamLease = { value: 'replica:1', token: 1 };

/** Leases that grant at once and hold every cursor write until the test lets it through. */
function heldWrites() {
  const writes: { cursors: Map<string, string>; done: () => void }[] = [];
  const log: string[] = [];
  const leases = {
    keysOf: (key: string) => streamLeaseKeys('test:', key),
    tick: (_keys: unknown, _wants: boolean, held: StreamLease | undefined): Promise<LeaseTick> =>
      Promise.resolve(
        held ? { state: 'held', demand: 1 } : { state: 'acquired', lease, demand: 1, handover: false, lastCursors: new Map() },
      ),
    release: () => {
      log.push('release');
      return Promise.resolve('released');
    },
    recordCursors: (_keys: unknown, _lease: StreamLease, cursors: ReadonlyMap<string, string>) =>
      new Promise<boolean>((resolve) => {
        log.push(`write ${[...cursors].map(([key, cursor]) => `${key}=${cursor}`).join(',')}`);
        writes.push({ cursors: new Map(cursors), done: () => resolve(true) });
      }),
  };
  return { leases: leases as unknown as RedisStreamLeases, writes, log };
}

/** Leases whose first tick answers only when the test says so. */
function heldTick() {
  let answer: (tick: LeaseTick | Error) => void = () => undefined;
  const first = new Promise<LeaseTick>((resolve, reject) => {
    answer = (tick) => (tick instanceof Error ? reject(tick) : resolve(tick));
  });
  const leases = {
    keysOf: (key: string) => streamLeaseKeys('test:', key),
    tick: (_keys: unknown, _wants: boolean, held: StreamLease | undefined): Promise<LeaseTick> =>
      held ? Promise.resolve({ state: 'held', demand: 1 }) : first,
    release: () => Promise.resolve('released'),
    recordCursors: () => Promise.resolve(true),
  };
  return { leases: leases as unknown as RedisStreamLeases, answer };
}

/** A resumable stream whose upstream hands its grant out and runs until stopped. */
function leasedStream(leases: RedisStreamLeases) {
  let grant: UpstreamGrant | undefined;
  let started: () => void = () => undefined;
  const running = new Promise<void>((resolve) => (started = resolve));
  const source = { resumable: true, backlog: () => Promise.reject(new Error('not read here')) };
  const stream = { id: 's', key: 'x.y|k', source: { id: 'x.y', source }, selector: {} } as unknown as StreamDescriptor;
  const run = (given: UpstreamGrant, signal: AbortSignal) => {
    grant = given;
    started();
    return new Promise<'shutdown'>((resolve) => signal.addEventListener('abort', () => resolve('shutdown'), { once: true }));
  };
  const ctx = {
    leases,
    bus: new InProcessLogBus(),
    leaseTtlMs: 60_000,
    idleGraceMs: 1_000,
    metrics: new GatewayMetrics(),
    logger: silentLogger,
  };
  const claim = new LeasedStream(stream, run, () => undefined, ctx);
  claim.want(true);
  return {
    claim,
    running,
    started: () => grant !== undefined,
    published: (cursors: [string, string][]) => grant?.published?.(new Map(cursors)),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('LeasedStream cursor writes', () => {
  it('writes the cursors of batches published while a write is on its way as one write, the last cursor of each target', async () => {
    const { leases, writes } = heldWrites();
    const { claim, running, published } = leasedStream(leases);
    await running;
    published([['ns/p/a', '1']]);
    published([['ns/p/a', '2']]);
    published([
      ['ns/p/a', '3'],
      ['ns/p/b', '7'],
    ]);
    published([['ns/p/b', '8']]);
    expect(writes.map((w) => Object.fromEntries(w.cursors))).toEqual([{ 'ns/p/a': '1' }]);
    writes[0]?.done();
    await settle();
    expect(writes.map((w) => Object.fromEntries(w.cursors))).toEqual([{ 'ns/p/a': '1' }, { 'ns/p/a': '3', 'ns/p/b': '8' }]);
    writes[1]?.done();
    await settle();
    expect(writes).toHaveLength(2);
    const stopped = claim.shutdown();
    await settle();
    await stopped;
  });

  it('gives the lease back on shutdown only after the last cursors are written', async () => {
    const { leases, writes, log } = heldWrites();
    const { claim, running, published } = leasedStream(leases);
    await running;
    published([['ns/p/a', '1']]);
    published([['ns/p/a', '2']]);
    const stopped = claim.shutdown();
    await settle();
    // Never before the writes: the successor would resume before what was published.
    expect(log).toEqual(['write ns/p/a=1']);
    writes[0]?.done();
    await settle();
    expect(log).toEqual(['write ns/p/a=1', 'write ns/p/a=2']);
    writes[1]?.done();
    await stopped;
    expect(log).toEqual(['write ns/p/a=1', 'write ns/p/a=2', 'release']);
  });
});

describe('LeasedStream live', () => {
  /** Resolves `live()` into a flag the test can look at. */
  const watch = (live: Promise<void>) => {
    const seen = { live: false };
    void live.then(() => (seen.live = true));
    return seen;
  };

  it('is live for the first subscriber only once the upstream it claimed has started', async () => {
    const { leases, answer } = heldTick();
    const { claim, started } = leasedStream(leases);
    const seen = watch(claim.live());
    await settle();
    // Acknowledged now, its client's next lines would fall before the upstream's start.
    expect(seen.live).toBe(false);
    answer({ state: 'acquired', lease, demand: 1, handover: false, lastCursors: new Map() });
    await settle();
    expect(started()).toBe(true);
    expect(seen.live).toBe(true);
    // A later subscriber of the running stream is live at once.
    const later = watch(claim.live());
    await settle();
    expect(later.live).toBe(true);
    await claim.shutdown();
  });

  it('is live once another replica is found running the stream, with no upstream here', async () => {
    const { leases, answer } = heldTick();
    const { claim, started } = leasedStream(leases);
    const seen = watch(claim.live());
    answer({ state: 'busy', demand: 2 });
    await settle();
    expect(seen.live).toBe(true);
    expect(started()).toBe(false);
    await claim.shutdown();
  });

  it('is live when the claim fails, rather than holding the subscriber until the next beat', async () => {
    const { leases, answer } = heldTick();
    const { claim, started } = leasedStream(leases);
    const seen = watch(claim.live());
    answer(new Error('redis unreachable'));
    await settle();
    expect(seen.live).toBe(true);
    expect(started()).toBe(false);
    await claim.shutdown();
  });
});
