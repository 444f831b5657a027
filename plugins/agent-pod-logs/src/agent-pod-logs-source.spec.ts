import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { NodeFileConfigSchema, NodeFileSource } from '@tailgate/plugin-node-file';
import { CriLogWriter } from '@tailgate/cri-logs/testing';
import { MemoryPluginMetrics, silentLogger } from '@tailgate/plugin-sdk';
import {
  collectBacklog,
  collectStream,
  describeLogSource,
  type MemoryPluginBus,
  memoryPluginBus,
  type MemoryPodMetadata,
  memoryPodMetadata,
  registerForTest,
  type StreamCollector,
} from '@tailgate/plugin-sdk/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AGENTS_CHANNEL, batchesChannel, DEMAND_CHANNEL } from './agent-channels';
import { AgentDirectory } from './agent-directory';
import { AgentMessageVerifier, MESSAGES_REFUSED_METRIC } from './agent-message-verifier';
import { AgentNodeBinding, RECORDS_REFUSED_METRIC } from './agent-node-binding';
import { AgentPodLogsConfigSchema } from './agent-pod-logs-config';
import { AgentPodLogsSource } from './agent-pod-logs-source';
import { AgentPodSelectorSchema } from './agent-pod-selector';
import { AgentSessionKeys } from './agent-session-keys';
import { EmbeddedAgent } from './embedded-agent';
import { agentPodLogsPlugin } from './plugin';

/** Files under `root` this process holds open, from /proc/self/fd. */
function openFilesUnder(root: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(root) ? [target] : [];
    } catch {
      return []; // closed while listing
    }
  });
}

interface Setup {
  readonly root: string;
  readonly bus: MemoryPluginBus;
  readonly agent: EmbeddedAgent;
  readonly source: AgentPodLogsSource;
  /** The "apiserver's" pods: acme/web-0 and acme/db-0 on node-1, acme/api-0 on node-2. */
  readonly pods: MemoryPodMetadata;
  readonly metrics: MemoryPluginMetrics;
}

async function setUp(keys?: AgentSessionKeys): Promise<Setup> {
  const root = await mkdtemp(join(tmpdir(), 'agent-pod-logs-'));
  const bus = memoryPluginBus();
  const config = AgentPodLogsConfigSchema.parse({
    demandIntervalMs: 100,
    demandTtlMs: 1_000,
    agentAnswerMs: 500,
    embedded: { root, nodeName: 'node-1', pollIntervalMs: 20, scanIntervalMs: 50 },
  });
  const agent = new EmbeddedAgent(bus, config.embedded!, silentLogger, keys);
  const metrics = new MemoryPluginMetrics();
  const verifier = new AgentMessageVerifier(keys, metrics, silentLogger);
  const directory = new AgentDirectory(bus, { rollCallMs: 50, heartbeatTtlMs: config.heartbeatTtlMs }, verifier);
  const pods = memoryPodMetadata([
    { namespace: 'acme', name: 'web-0', node: 'node-1', labels: {} },
    { namespace: 'acme', name: 'db-0', node: 'node-1', labels: {} },
    { namespace: 'acme', name: 'api-0', node: 'node-2', labels: {} },
  ]);
  const binding = new AgentNodeBinding(pods, (node) => directory.registered(node), metrics);
  return { root, bus, agent, pods, metrics, source: new AgentPodLogsSource({ bus, config, binding, verifier }, directory, agent) };
}

describeLogSource('agent-pod-logs (embedded agent)', async () => {
  const { root, bus, agent, source } = await setUp();
  const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
  return {
    source,
    selector: { namespace: 'acme', pod: 'web-0' },
    invalidSelectors: [{ namespace: 'Not_A_Name' }, { include: ['(a+)+'] }, { exclude: [] }, { stream: 'stdin' }, { labels: 'x' }],
    // Demand reaches the agent asynchronously: lines count from when it tails the container.
    async produce(lines) {
      await expect.poll(() => agent.tailedPaths().size, { timeout: 5_000 }).toBe(1);
      await writer.writeMany(lines);
    },
    // Files the agent holds open, and the gateway's run channels (a random id each: a stream's, a backlog's).
    openUpstreams: () => openFilesUnder(root).length + bus.subscribedChannels().filter((channel) => channel.endsWith(':batches')).length,
    async cleanup() {
      await agent.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
});

describe('agent-pod-logs source', () => {
  let setup: Setup;
  let collector: StreamCollector | undefined;

  beforeEach(async () => {
    setup = await setUp();
  });
  afterEach(async () => {
    await collector?.stop();
    collector = undefined;
    await setup.agent.stop();
    await rm(setup.root, { recursive: true, force: true });
  });

  const open = (selector: Record<string, unknown>): StreamCollector =>
    (collector = collectStream(setup.source, AgentPodSelectorSchema.parse(selector)));

  it('tails a container only while a stream wants it: no file open before, none after', async () => {
    const { root, agent } = setup;
    const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    await writer.write('before anyone listened');
    await agent.start();
    expect(openFilesUnder(root)).toEqual([]);
    const stream = open({ namespace: 'acme' });
    await expect.poll(() => agent.tailedPaths().size, { timeout: 5_000 }).toBe(1);
    await writer.write('while listened');
    await stream.waitFor((c) => c.records.length === 1);
    expect(openFilesUnder(root)).not.toEqual([]);
    expect(stream.events[0]).toEqual({ type: 'target', op: 'added', target: { ...writer.target, node: 'node-1' } });
    expect(stream.records.map((r) => [r.line, r.stream, r.target.node])).toEqual([['while listened', 'stdout', 'node-1']]);
    await stream.stop();
    collector = undefined;
    await expect.poll(() => agent.tailedPaths().size, { timeout: 5_000 }).toBe(0);
    await expect.poll(() => openFilesUnder(root), { timeout: 5_000 }).toEqual([]);
  });

  it('with agent authentication, the embedded agent signs everything it publishes and an unsigned batch is refused', async () => {
    await setup.agent.stop();
    await rm(setup.root, { recursive: true, force: true });
    setup = await setUp(new AgentSessionKeys(Buffer.alloc(32, 9), 60_000));
    const { root, bus, agent, metrics } = setup;
    const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    const stream = open({ namespace: 'acme' });
    await expect.poll(() => agent.tailedPaths().size, { timeout: 5_000 }).toBe(1);
    const demand = bus.published.find((p) => p.channel === DEMAND_CHANNEL && p.message.includes('"t":"demand"'))!;
    const { run } = JSON.parse(demand.message) as { run: string };
    const target = { namespace: 'acme', pod: 'web-0', container: 'app' };
    const forged = [['2026-01-01T00:00:00Z', 'stdout', 'FORGED', '01767225600000000000-0000000000']];
    await bus.publish(batchesChannel(run), JSON.stringify({ v: 1, t: 'records', node: 'node-1', target, records: forged }));
    await writer.write('signed line');
    await stream.waitFor((c) => c.records.length === 1);
    expect(stream.records.map((r) => r.line)).toEqual(['signed line']);
    expect(metrics.value(MESSAGES_REFUSED_METRIC, { reason: 'unsigned' })).toBe(1);
    const fromAgent = bus.published.filter((p) => p.channel !== DEMAND_CHANNEL && !p.message.includes('FORGED'));
    expect(fromAgent.length).toBeGreaterThan(0);
    expect(fromAgent.every((p) => p.message.startsWith('tgs1 node-1 '))).toBe(true);
  });

  it('filters on the node: lines it does not keep never reach the bus; records keep their stream', async () => {
    const { root, bus, agent } = setup;
    const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    const stream = open({ namespace: 'acme', stream: 'stderr', include: ['^ERROR'], exclude: ['noise'] });
    await expect.poll(() => agent.tailedPaths().size, { timeout: 5_000 }).toBe(1);
    await writer.write('ERROR on stdout');
    await writer.write('ERROR kept', { stream: 'stderr' });
    await writer.write('ERROR noise', { stream: 'stderr' });
    await writer.write('info', { stream: 'stderr' });
    await writer.write('ERROR last', { stream: 'stderr' });
    await stream.waitFor((c) => c.records.length === 2);
    expect(stream.records.map((r) => `${r.stream} ${r.line}`)).toEqual(['stderr ERROR kept', 'stderr ERROR last']);
    const crossed = bus.published
      .filter((p) => p.channel !== DEMAND_CHANNEL)
      .map((p) => p.message)
      .join('\n');
    expect(crossed).not.toContain('ERROR on stdout');
    expect(crossed).not.toContain('noise');
    expect(crossed).not.toContain('info');
  });

  it('gives the same cursors as node-file for the same lines', async () => {
    const { root, agent } = setup;
    const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    const stream = open({ namespace: 'acme' });
    await expect.poll(() => agent.tailedPaths().size, { timeout: 5_000 }).toBe(1);
    const sameInstant = '2026-01-01T00:00:00.000000001Z';
    await writer.writeMany(['one', 'two', 'three'], { ts: sameInstant });
    await writer.write('four');
    await stream.waitFor((c) => c.records.length === 4);
    const nodeFile = new NodeFileSource(NodeFileConfigSchema.parse({ root }));
    const ctx = { signal: new AbortController().signal, logger: silentLogger };
    const backlog = await collectBacklog(nodeFile.backlog({ namespace: 'acme' }, { tail: 4 }, ctx));
    expect(stream.records.map((r) => r.cursor)).toEqual(backlog.records.map((r) => r.cursor));
  });

  it('takes records only for pods the apiserver binds to the sending, registered node; counts the rest by reason', async () => {
    const { root, bus, agent, pods, metrics } = setup;
    pods.put({ namespace: 'acme', name: 'pending-0', labels: {} });
    const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    const stream = open({ namespace: 'acme' });
    await expect.poll(() => agent.tailedPaths().size, { timeout: 5_000 }).toBe(1);
    const demand = bus.published.find((p) => p.channel === DEMAND_CHANNEL && p.message.includes('"t":"demand"'))!;
    const channel = batchesChannel((JSON.parse(demand.message) as { run: string }).run);
    const forged = (node: string, pod: string, namespace = 'acme') =>
      JSON.stringify({
        v: 1,
        t: 'records',
        node,
        target: { namespace, pod, container: 'app' },
        records: [
          ['2026-01-01T00:00:00Z', 'stdout', `forged by ${node} for ${pod}`, '00000000001767225600000000000-0000000000'],
          ['2026-01-01T00:00:00Z', 'stdout', 'forged second', '00000000001767225600000000000-0000000001'],
        ],
      });
    // node-2 has not registered yet: even its own pod is refused.
    await bus.publish(channel, forged('node-2', 'api-0'));
    await bus.publish(AGENTS_CHANNEL, JSON.stringify({ v: 1, t: 'agent', node: 'node-2' }));
    await bus.publish(channel, forged('node-2', 'web-0'));
    await bus.publish(channel, forged('node-1', 'ghost-0'));
    await bus.publish(channel, forged('node-1', 'pending-0'));
    await bus.publish(channel, forged('node-1', 'web-0', 'other'));
    await bus.publish(channel, 'not json at all');
    await writer.write('real');
    await stream.waitFor((c) => c.records.length >= 1);
    await bus.publish(channel, forged('node-2', 'api-0'));
    await bus.publish(channel, forged('node-3', 'web-0'));
    await writer.write('real again');
    await stream.waitFor((c) => c.records.length >= 4);
    expect(stream.records.map((r) => `${r.target.node} ${r.target.pod} ${r.line}`)).toEqual([
      'node-1 web-0 real',
      'node-2 api-0 forged by node-2 for api-0',
      'node-2 api-0 forged second',
      'node-1 web-0 real again',
    ]);
    expect(stream.events.filter((e) => e.type === 'target').map((e) => e.type === 'target' && `${e.target.node} ${e.target.pod}`)).toEqual([
      'node-1 web-0',
      'node-2 api-0',
    ]);
    const refused = (reason: string) => metrics.value(RECORDS_REFUSED_METRIC, { reason });
    expect([refused('unregistered_node'), refused('wrong_node'), refused('unknown_pod'), refused('unbound_pod')]).toEqual([4, 2, 4, 2]);
  });

  it('ends a target once the apiserver binds its pod to another node, and takes no more of its old node’s records', async () => {
    const { root, agent, pods, metrics } = setup;
    const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    const stream = open({ namespace: 'acme' });
    await expect.poll(() => agent.tailedPaths().size, { timeout: 5_000 }).toBe(1);
    await writer.write('while on node-1');
    await stream.waitFor((c) => c.records.length === 1);
    pods.put({ namespace: 'acme', name: 'web-0', node: 'node-2', labels: {} });
    await writer.write('after the move');
    await stream.waitFor((c) => c.events.some((e) => e.type === 'target' && e.op === 'removed'));
    expect(stream.events.filter((e) => e.type === 'target')).toEqual([
      { type: 'target', op: 'added', target: { ...writer.target, node: 'node-1' } },
      { type: 'target', op: 'removed', target: { ...writer.target, node: 'node-1' }, reason: 'deleted' },
    ]);
    expect(stream.records.map((r) => r.line)).toEqual(['while on node-1']);
    expect(metrics.value(RECORDS_REFUSED_METRIC, { reason: 'wrong_node' })).toBe(1);
  });

  it('resumes through the agent: records after each cursor, with the live cursors, nothing twice', async () => {
    const { root, agent, source } = setup;
    const web = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    const db = new CriLogWriter(root, { namespace: 'acme', pod: 'db-0', container: 'db' });
    const stream = open({ namespace: 'acme' });
    await expect.poll(() => agent.tailedPaths().size, { timeout: 5_000 }).toBe(2);
    await web.writeMany(['w1', 'w2', 'w3']);
    await db.writeMany(['d1', 'd2']);
    await stream.waitFor((c) => c.records.length === 5);
    const live = (line: string) => stream.records.find((r) => r.line === line)!;
    const byTarget = new Map([
      ['acme/web-0/app', live('w1').cursor],
      ['acme/db-0/db', live('d2').cursor],
    ]);
    const ctx = { signal: new AbortController().signal, logger: silentLogger };
    const resumed = await collectBacklog(source.backlog(AgentPodSelectorSchema.parse({ namespace: 'acme' }), { after: { byTarget } }, ctx));
    expect(resumed.records.map((r) => [r.line, r.cursor, r.target.node])).toEqual([
      ['w2', live('w2').cursor, 'node-1'],
      ['w3', live('w3').cursor, 'node-1'],
    ]);
    expect(resumed.targets.map((t) => `${t.pod} ${t.node}`).sort()).toEqual(['db-0 node-1', 'web-0 node-1']);
  });

  it('reads a large backlog a page per credit, and releases the files when the host stops taking pages', async () => {
    const { root, agent, source, bus } = setup;
    const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    await writer.writeMany(Array.from({ length: 5_000 }, (_, i) => `line ${i}`));
    await agent.start();
    const ctx = { signal: new AbortController().signal, logger: silentLogger };
    const since = new Date(Date.now() - 60_000);
    const { pages } = await source.backlog(AgentPodSelectorSchema.parse({ namespace: 'acme' }), { since }, ctx);
    const iterator = pages[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sentPages = bus.published.filter((p) => p.message.startsWith('{"v":1,"t":"backlog-page"')).length;
    // Two pages granted at the start, one more per page taken: the rest waits in the files.
    expect(sentPages).toBeLessThanOrEqual(3);
    expect(openFilesUnder(root).length).toBeGreaterThan(0);
    await iterator.return?.();
    await expect.poll(() => openFilesUnder(root), { timeout: 5_000 }).toEqual([]);
  });

  it('fails a backlog with upstream_unavailable when a known agent does not answer', async () => {
    const { bus, source, agent } = setup;
    await agent.start();
    const ctx = { signal: new AbortController().signal, logger: silentLogger };
    const selector = AgentPodSelectorSchema.parse({ namespace: 'acme' });
    expect((await collectBacklog(source.backlog(selector, { tail: 10 }, ctx))).targets).toEqual([]);
    await bus.publish(AGENTS_CHANNEL, JSON.stringify({ v: 1, t: 'agent', node: 'node-gone' }));
    const read = source.backlog(AgentPodSelectorSchema.parse({ namespace: 'acme' }), { tail: 10 }, ctx);
    await expect(read).rejects.toMatchObject({
      code: 'upstream_unavailable',
      message: 'the agent of node node-gone did not answer in time',
    });
  });

  it('refuses catastrophic and over-long patterns in the selector with the reason', () => {
    const refused = (selector: unknown) => AgentPodSelectorSchema.safeParse(selector).error?.issues.map((i) => i.message);
    expect(refused({ include: ['(a+)+$'] })).toEqual(['pattern refused: a quantified group may not contain a quantifier']);
    expect(refused({ exclude: ['y'.repeat(257)] })).toEqual(['pattern refused: longer than 256 characters']);
    expect(refused({ include: ['(?<=x)y'] })).toEqual(['pattern refused: lookarounds are not allowed']);
    expect(refused({ include: Array.from({ length: 11 }, () => 'a') })?.length).toBe(1);
  });

  it('gives selectors that differ in their filters different stream keys', () => {
    const key = (selector: unknown) => setup.source.streamKey(AgentPodSelectorSchema.parse(selector));
    expect(key({ namespace: 'acme' })).not.toBe(key({ namespace: 'acme', stream: 'stderr' }));
    expect(key({ namespace: 'acme', include: ['a'] })).not.toBe(key({ namespace: 'acme', exclude: ['a'] }));
    expect(key({ namespace: 'acme' })).toBe(key({ namespace: 'acme' }));
  });

  it('needs the host bus, pod metadata and metrics, and registers the pods source', async () => {
    const services = {
      'core.log-bus': memoryPluginBus(),
      'core.pod-metadata': memoryPodMetadata(),
      'core.plugin-metrics': new MemoryPluginMetrics(),
    };
    const unsigned = { agentAuthentication: { mode: 'none' } };
    await expect(registerForTest(agentPodLogsPlugin, unsigned)).rejects.toThrow(/core.log-bus/);
    const { 'core.pod-metadata': _, ...noPods } = services;
    await expect(registerForTest(agentPodLogsPlugin, unsigned, noPods)).rejects.toThrow(/core.pod-metadata/);
    // Agent authentication (the default) needs its secret and the apiserver, and says so.
    await expect(registerForTest(agentPodLogsPlugin, {}, services)).rejects.toThrow(/secretFile is required.*needs kube/);
    await expect(registerForTest(agentPodLogsPlugin, { routing: 'auto', ...unsigned }, services)).rejects.toThrow(
      /routing auto needs kube/,
    );
    const registered = await registerForTest(agentPodLogsPlugin, unsigned, services);
    expect(registered.sources.map((s) => s.name)).toEqual(['pods']);
    expect(() => AgentPodLogsConfigSchema.parse({ demandIntervalMs: 10_000, demandTtlMs: 15_000 })).toThrow(/twice/);
  });
});
