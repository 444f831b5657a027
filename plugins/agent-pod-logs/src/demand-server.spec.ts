import type { ContainerLogDir } from '@tailgate/cri-logs';
import type { LogRecord, PluginLogger } from '@tailgate/plugin-sdk';
import { memoryPluginBus } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it } from 'vitest';

import { batchesChannel, DEMAND_CHANNEL } from './agent-channels';
import { parseAgentMessage } from './agent-messages';
import { DemandServer, type DemandServerOptions, type NodeTailing } from './demand-server';

const RUN = 'a'.repeat(32);
const OTHER_RUN = 'b'.repeat(32);

function dir(namespace: string, pod: string, container = 'app'): ContainerLogDir {
  return { target: { namespace, pod, container }, path: `/pods/${namespace}_${pod}_uid/${container}` };
}

function record(line: string, stream: 'stdout' | 'stderr' = 'stdout', target = dir('acme', 'web-0').target): LogRecord {
  return { ts: '2026-01-01T00:00:00.000000001Z', stream, line, cursor: `00000000001767225600000000001-${line.length}`, target };
}

function demand(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ v: 1, t: 'demand', run: RUN, selector: { namespace: 'acme' }, filter: {}, ttlMs: 5_000, ...fields });
}

function setUp(listed: ContainerLogDir[], options: Partial<DemandServerOptions> = {}) {
  const bus = memoryPluginBus();
  const followed = new Set<string>();
  const follows: string[] = [];
  const tailing: NodeTailing = {
    containers: () => listed,
    rescan: async () => undefined,
    follow: (d) => {
      follows.push(d.path);
      followed.add(d.path);
    },
    unfollow: async (path) => void followed.delete(path),
  };
  let now = 1_000;
  const logged: string[] = [];
  const log = (obj: unknown, msg?: string) => void logged.push(JSON.stringify(obj) + (msg ?? ''));
  const logger: PluginLogger = { debug: log, info: log, warn: log, error: log };
  const read = { readChunkBytes: 65_536, maxLineBytes: 65_536 };
  const limits = {
    nodeName: 'node-1',
    maxContainersPerDemand: 10,
    maxDemands: 10,
    maxBatchBytes: 64 * 1024,
    sweepIntervalMs: 60_000,
    read,
  };
  const server = new DemandServer(bus, tailing, { ...limits, ...options, now: () => now }, logger);
  const sent = (run = RUN) => bus.published.filter((p) => p.channel === batchesChannel(run)).map((p) => parseAgentMessage(p.message));
  return { bus, server, followed, follows, logged, sent, advance: (ms: number) => void (now += ms) };
}

describe('DemandServer', () => {
  it('tails exactly the containers of this node a demand covers, and announces them', async () => {
    const { bus, server, followed, sent } = setUp([dir('acme', 'web-0'), dir('other', 'db-0')]);
    await server.start();
    await bus.publish(DEMAND_CHANNEL, demand());
    await server.sweep();
    expect([...followed]).toEqual(['/pods/acme_web-0_uid/app']);
    expect(sent()).toEqual([{ v: 1, t: 'added', node: 'node-1', target: { namespace: 'acme', pod: 'web-0', container: 'app' } }]);
    await server.stop();
  });

  it('keeps up to 8 batches on their way unacknowledged, in order, and settles them before positions are taken', async () => {
    const { bus, server, sent } = setUp([dir('acme', 'web-0')]);
    await server.hear(demand());
    const acks: (() => void)[] = [];
    const publish = bus.publish.bind(bus);
    bus.publish = async (channel, message) => {
      await publish(channel, message);
      if (channel === batchesChannel(RUN)) await new Promise<void>((resolve) => acks.push(resolve));
    };
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i}`);
    const delivering = server.deliver(
      lines.map((line) => ({ type: 'records' as const, dir: dir('acme', 'web-0'), records: [record(line)] })),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(acks.length).toBe(8);
    let settled = false;
    const settling = server.settled().then(() => void (settled = true));
    while (acks.length > 0) {
      acks.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await delivering;
    await settling;
    expect(settled).toBe(true);
    const published = sent().flatMap((message) => (message?.t === 'records' ? message.records.map((r) => r[2]) : []));
    expect(published).toEqual(lines);
  });

  it('ignores demand meant for another node', async () => {
    const { server, followed } = setUp([dir('acme', 'web-0')]);
    await server.hear(demand({ node: 'node-2' }));
    expect(followed.size).toBe(0);
  });

  it('stops tailing when the stream releases its demand', async () => {
    const { server, followed } = setUp([dir('acme', 'web-0')]);
    await server.hear(demand());
    expect(followed.size).toBe(1);
    await server.hear(JSON.stringify({ v: 1, t: 'release', run: RUN }));
    expect(followed.size).toBe(0);
  });

  it('stops tailing when demand is not renewed within its ttl (a gateway died), and keeps it while renewed', async () => {
    const { server, followed, advance } = setUp([dir('acme', 'web-0')]);
    await server.hear(demand());
    advance(4_000);
    await server.hear(demand());
    advance(4_000);
    await server.sweep();
    expect(followed.size).toBe(1);
    advance(1_001);
    await server.sweep();
    expect(followed.size).toBe(0);
    expect(server.runs()).toEqual([]);
  });

  it('keeps a container tailed while another demand still covers it', async () => {
    const { server, followed } = setUp([dir('acme', 'web-0')]);
    await server.hear(demand());
    await server.hear(demand({ run: OTHER_RUN, selector: { pod: 'web-0' } }));
    await server.hear(JSON.stringify({ v: 1, t: 'release', run: RUN }));
    expect(followed.size).toBe(1);
  });

  it('publishes only what each demand keeps: one stream, include and exclude patterns; records keep their stream', async () => {
    const { server, sent, bus } = setUp([dir('acme', 'web-0')]);
    await server.hear(demand({ filter: { stream: 'stderr', include: ['^error'], exclude: ['ignore'] } }));
    await server.hear(demand({ run: OTHER_RUN }));
    const records = [
      record('error one', 'stderr'),
      record('error ignore me', 'stderr'),
      record('error on stdout'),
      record('info', 'stderr'),
    ];
    await server.deliver([{ type: 'records', dir: dir('acme', 'web-0'), records }]);
    const batches = (run: string) => sent(run).flatMap((m) => (m?.t === 'records' ? m.records : []));
    expect(batches(RUN)).toEqual([['2026-01-01T00:00:00.000000001Z', 'stderr', 'error one', records[0]!.cursor]]);
    expect(batches(OTHER_RUN).map(([, stream, line]) => `${stream} ${line}`)).toEqual([
      'stderr error one',
      'stderr error ignore me',
      'stdout error on stdout',
      'stderr info',
    ]);
    const filteredRun = bus.published.filter((p) => p.channel === batchesChannel(RUN)).map((p) => p.message);
    expect(filteredRun.join()).not.toContain('ignore me');
    expect(server.counts.recordsFiltered).toBe(3);
  });

  it('serialises a batch once for demands with the same filter', async () => {
    const { server, bus } = setUp([dir('acme', 'web-0')]);
    await server.hear(demand());
    await server.hear(demand({ run: OTHER_RUN }));
    await server.deliver([{ type: 'records', dir: dir('acme', 'web-0'), records: [record('x')] }]);
    const [first, second] = bus.published.filter((p) => p.message.includes('"records"'));
    expect(first!.message).toBe(second!.message);
  });

  it('splits record messages at maxBatchBytes', async () => {
    const { server, sent } = setUp([dir('acme', 'web-0')], { maxBatchBytes: 4096 });
    await server.hear(demand());
    const records = Array.from({ length: 10 }, (_, i) => record(`${i}`.padEnd(1000, '.')));
    await server.deliver([{ type: 'records', dir: dir('acme', 'web-0'), records }]);
    const messages = sent().filter((m) => m?.t === 'records');
    expect(messages.length).toBeGreaterThan(2);
    expect(messages.flatMap((m) => (m?.t === 'records' ? m.records.map((r) => r[2]) : []))).toEqual(records.map((r) => r.line));
  });

  it('serves at most maxContainersPerDemand containers and says so once', async () => {
    const listed = Array.from({ length: 5 }, (_, i) => dir('acme', `web-${i}`));
    const { server, followed, sent } = setUp(listed, { maxContainersPerDemand: 2 });
    await server.hear(demand());
    await server.sweep();
    expect(followed.size).toBe(2);
    expect(sent().filter((m) => m?.t === 'refused')).toEqual([{ v: 1, t: 'refused', node: 'node-1', code: 'too_many_containers', max: 2 }]);
  });

  it('refuses demand beyond maxDemands with too_many_demands, once per run', async () => {
    const { server, sent } = setUp([dir('acme', 'web-0')], { maxDemands: 1 });
    await server.hear(demand());
    await server.hear(demand({ run: OTHER_RUN }));
    await server.hear(demand({ run: OTHER_RUN })); // a renewal is not refused again
    expect(server.runs()).toEqual([RUN]);
    expect(sent(OTHER_RUN)).toEqual([{ v: 1, t: 'refused', node: 'node-1', code: 'too_many_demands', max: 1 }]);
  });

  it.each([
    ['not JSON', 'secret-token {', false],
    ['an unknown kind', JSON.stringify({ v: 1, t: 'grant', run: RUN }), true],
    ['a catastrophic pattern', demand({ filter: { include: ['(a+)+$'] } }), true],
    ['an over-long pattern', demand({ filter: { include: ['x'.repeat(300)] } }), true],
    ['too long a ttl', demand({ ttlMs: 3_600_000 }), true],
    ['too many patterns', demand({ filter: { exclude: Array.from({ length: 11 }, (_, i) => `p${i}`) } }), true],
    ['an unknown field', demand({ selector: { namespace: 'acme', labels: 'x' } }), true],
  ])('refuses demand with %s as invalid_demand, tailing nothing and echoing nothing', async (_, raw, answered) => {
    const { server, followed, sent, logged } = setUp([dir('acme', 'web-0')]);
    await server.hear(raw);
    expect(followed.size).toBe(0);
    expect(server.counts.demandsRefused).toEqual({ invalid_demand: 1 });
    expect(sent()).toEqual(answered ? [{ v: 1, t: 'refused', node: 'node-1', code: 'invalid_demand' }] : []);
    expect(logged.join()).not.toMatch(/secret|\(a\+\)|xxxx/);
  });

  it('announces a container gone with reason deleted and does not follow it again while it is still listed', async () => {
    const { server, follows, sent } = setUp([dir('acme', 'web-0')]);
    await server.hear(demand());
    // The tail itself stops following a directory it found gone.
    await server.deliver([{ type: 'gone', dir: dir('acme', 'web-0') }]);
    await server.sweep();
    expect(follows).toEqual(['/pods/acme_web-0_uid/app']);
    expect(sent().at(-1)).toEqual({ v: 1, t: 'removed', node: 'node-1', target: dir('acme', 'web-0').target, reason: 'deleted' });
  });
});
