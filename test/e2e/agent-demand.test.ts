// The node agent on demand, end to end: a real agent process and a gateway on a real Redis, the
// real socket.io-client (every event checked by the leak oracle), real CRI files written by a test
// writer. Demand starting and stopping starts and stops the tailing (checked in /proc/<pid>/fd),
// demand that is not renewed expires, bad demand is refused by code, filters run on the node, an
// agent restart resumes from its saved positions, and the embedded mode serves the same plugin in
// one process with no Redis.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { RedisLogBus } from '@tailgate/bus';
import { freePort } from '@tailgate/testing';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';

import { createDemoWorld, DEMO_PODS, type DemoWorld } from '../../apps/gateway/src/demo/demo-world';
import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';
import { type AppProcess, killAll, spawnApp, untilAnswers } from '../support/app-process';
import { demoVisibility } from './support/demo-visibility';
import { LogClient } from './support/log-client';
import { TrackedCriLogWriter } from './support/start-demo-gateway';

const DEMAND_CHANNEL = 'plugins:agent-pod-logs:{demand}:demand';

interface AgentProcess extends AppProcess {
  /** Files under `root` the agent process holds open. */
  openFiles(root: string): string[];
}

interface Deployment {
  readonly world: DemoWorld;
  readonly gateway: RunningGateway;
  readonly writers: Map<string, TrackedCriLogWriter>;
  readonly keyPrefix: string;
  connect(user: string): Promise<LogClient>;
  /** Closes the clients `connect` opened (their streams end after the idle grace). */
  closeClients(): void;
  log(): string;
  stop(): Promise<void>;
}

async function deploy(redisUrl: string | undefined, agentPlugin: (world: DemoWorld) => Record<string, unknown>): Promise<Deployment> {
  const dir = mkdtempSync(join(tmpdir(), 'tailgate-agent-e2e-'));
  const keyPrefix = `tailgate-agent-e2e-${randomBytes(4).toString('hex')}:`;
  const world = createDemoWorld(dir, {
    port: 0,
    ...(redisUrl && { redisUrl, redisKeyPrefix: keyPrefix }),
    streams: { idleGraceMs: 200 },
    access: { recheckIntervalMs: 250 },
    podMetadataReloadMs: 50,
  });
  // No cluster here, so no TokenReview: agents go unsigned (test/kube/agent-auth.test.ts has them signed).
  const agentSettings = { agentAuthentication: { mode: 'none' }, ...agentPlugin(world) };
  const config = { ...world.config, plugins: { ...world.config.plugins, 'agent-pod-logs': agentSettings } };
  const written = new Map(DEMO_PODS.map((pod) => [`${pod.namespace}/${pod.name}`, [] as string[]]));
  const writers = new Map(
    DEMO_PODS.map((pod) => [
      pod.name,
      new TrackedCriLogWriter(
        world.podsRoot,
        { namespace: pod.namespace, pod: pod.name, container: pod.container },
        written.get(`${pod.namespace}/${pod.name}`)!,
      ),
    ]),
  );
  for (const writer of writers.values()) await writer.write('before anyone listened');
  const chunks: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const gateway = await startGateway({ config, logDestination });
  const clients: LogClient[] = [];
  return {
    world,
    gateway,
    writers,
    keyPrefix,
    async connect(user) {
      const client = await LogClient.connect(gateway.url, {
        token: world.tokens[user],
        sees: demoVisibility(user, () => DEMO_PODS, written),
      });
      clients.push(client);
      return client;
    },
    closeClients() {
      for (const client of clients.splice(0)) client.close();
    },
    log: () => chunks.join(''),
    async stop() {
      try {
        for (const client of clients.splice(0)) client.close();
      } finally {
        await gateway.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function openFilesOf(pid: number | 'self', root: string): string[] {
  return readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      return target.startsWith(root) ? [target] : [];
    } catch {
      return [];
    }
  });
}

async function spawnAgent(deployment: Deployment, redisUrl: string, stateDir: string): Promise<AgentProcess> {
  const port = await freePort();
  const logFile = join(stateDir, `agent-${Date.now()}.log`);
  const flags = [
    '--node-name=demo-node',
    `--root=${deployment.world.podsRoot}`,
    '--containers-dir=',
    `--state-dir=${stateDir}`,
    '--http-host=127.0.0.1',
    `--http-port=${port}`,
    `--redis-url=${redisUrl}`,
    `--redis-key-prefix=${deployment.keyPrefix}`,
    '--poll-interval-ms=20',
    '--scan-interval-ms=100',
    '--checkpoint-interval-ms=100',
    '--log-level=debug',
    // The gateways here run agentAuthentication mode none (no TokenReview without a cluster).
    '--unsigned=true',
  ];
  const app = spawnApp('agent', { args: flags, logFile, port });
  const agent: AgentProcess = { ...app, openFiles: (root) => openFilesOf(app.child.pid!, root) };
  await untilAnswers(agent, '/readyz');
  return agent;
}

describe('the node agent on demand over Redis', () => {
  const redisUrl = inject('redisUrl');
  let deployment: Deployment;
  let stateDir: string;
  const agents: AgentProcess[] = [];

  beforeAll(async () => {
    deployment = await deploy(redisUrl, () => ({ demandIntervalMs: 200, demandTtlMs: 1_000 }));
    stateDir = mkdtempSync(join(tmpdir(), 'tailgate-agent-state-'));
  });
  afterEach(async () => {
    deployment.closeClients();
    await killAll(agents);
  });
  afterAll(async () => {
    await deployment.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  /** A fresh state directory unless `state` (a restart) is given. */
  const start = async (state = mkdtempSync(join(stateDir, 'agent-'))): Promise<AgentProcess> => {
    const agent = await spawnAgent(deployment, redisUrl, state);
    agents.push(agent);
    return agent;
  };

  it('tails the containers a listener wants only while it listens; nothing is open before or after', async () => {
    const agent = await start();
    const root = deployment.world.podsRoot;
    expect(agent.openFiles(root)).toEqual([]);
    const alice = await deployment.connect('alice');
    const ack = await alice.subscribe({ source: 'agent-pod-logs.pods', selector: { namespace: 'team-a' } });
    if (!ack.ok) throw new Error(ack.error.message);
    await alice.waitFor(() => alice.targets.length === 2, 'both team-a containers');
    expect(alice.targets.every((t) => t.target.node === 'demo-node')).toBe(true);
    await expect.poll(() => agent.openFiles(root).length, { timeout: 5_000 }).toBe(2);
    await expect.poll(() => agent.metric('tailgate_agent_containers_tailed'), { timeout: 5_000 }).toBe(2);
    await deployment.writers.get('checkout-api')!.writeMany(['one', 'two']);
    await alice.waitFor(() => alice.records.length === 2, 'the new lines');
    expect(alice.records.map((r) => [r.line, r.stream, r.node])).toEqual([
      ['one', 'stdout', 'demo-node'],
      ['two', 'stdout', 'demo-node'],
    ]);
    await alice.emitRaw('unsubscribe', { id: ack.id });
    await expect.poll(() => agent.openFiles(root), { timeout: 10_000 }).toEqual([]);
    await expect.poll(() => agent.metric('tailgate_agent_containers_tailed'), { timeout: 5_000 }).toBe(0);
    expect(await agent.metric('tailgate_agent_demands')).toBe(0);
    alice.close();
    expect(agent.log()).not.toMatch(/"one"|before anyone listened/);
  });

  it('leaves authorization to the gateway: a listener gets the lines of the containers it may read only', async () => {
    const agent = await start();
    const carol = await deployment.connect('carol');
    const ack = await carol.subscribe({ source: 'agent-pod-logs.pods', selector: { namespace: 'team-a' } });
    expect(ack.ok).toBe(true);
    await carol.waitFor(() => carol.targets.length === 1 && carol.denied.length === 1, 'one target and one denial');
    // The agent tails both (it cannot tell who may read what); the gateway filters.
    await expect.poll(() => agent.metric('tailgate_agent_containers_tailed'), { timeout: 5_000 }).toBe(2);
    await deployment.writers.get('payments-worker')!.write('card number of payments');
    await deployment.writers.get('checkout-api')!.write('checkout line');
    await carol.waitFor(() => carol.records.length === 1, 'the checkout line');
    expect(carol.lines()).toEqual(['checkout line']);
    carol.close();
  });

  it('filters on the node: one stream, include and exclude; records keep their true stream', async () => {
    const agent = await start();
    const alice = await deployment.connect('alice');
    const selector = { namespace: 'team-a', pod: 'checkout-api', stream: 'stderr', include: ['^ERR'], exclude: ['retry'] };
    expect((await alice.subscribe({ source: 'agent-pod-logs.pods', selector })).ok).toBe(true);
    await alice.waitFor(() => alice.targets.length === 1, 'the target');
    await expect.poll(() => agent.metric('tailgate_agent_containers_tailed'), { timeout: 5_000 }).toBe(1);
    const writer = deployment.writers.get('checkout-api')!;
    await writer.write('ERR on stdout');
    await writer.write('ERR retry later', { stream: 'stderr' });
    await writer.write('debug', { stream: 'stderr' });
    await writer.write('ERR kept', { stream: 'stderr' });
    await alice.waitFor(() => alice.records.length === 1, 'the kept line');
    expect(alice.records.map((r) => [r.line, r.stream])).toEqual([['ERR kept', 'stderr']]);
    expect(await agent.metric('tailgate_agent_records_filtered_total')).toBe(3);
    alice.close();
  });

  it('refuses unsafe patterns at subscribe with invalid_request, before any demand', async () => {
    const alice = await deployment.connect('alice');
    const ack = await alice.subscribe({ source: 'agent-pod-logs.pods', selector: { namespace: 'team-a', include: ['(a+)+$'] } });
    expect(ack.ok).toBe(false);
    if (!ack.ok) {
      expect(ack.error.code).toBe('invalid_request');
      expect(JSON.stringify(ack.error.details)).toContain('a quantified group may not contain a quantifier');
    }
    alice.close();
  });

  it('drops demand that is not renewed (a gateway that died), and refuses bad demand by code without echoing it', async () => {
    const agent = await start();
    const bus = new RedisLogBus({ url: redisUrl, keyPrefix: deployment.keyPrefix });
    try {
      const channel = `${deployment.keyPrefix}${DEMAND_CHANNEL}`;
      const run = randomBytes(16).toString('hex');
      const demand = { v: 1, t: 'demand', run, selector: { namespace: 'team-b' }, filter: {}, ttlMs: 1_000 };
      await bus.publish(channel, JSON.stringify(demand));
      await expect.poll(() => agent.metric('tailgate_agent_containers_tailed'), { timeout: 5_000 }).toBe(2);
      // Nobody renews it: within its ttl and a sweep, the tails are gone.
      await expect.poll(() => agent.openFiles(deployment.world.podsRoot), { timeout: 5_000 }).toEqual([]);
      await expect.poll(() => agent.metric('tailgate_agent_containers_tailed'), { timeout: 5_000 }).toBe(0);
      await bus.publish(channel, 'token=s3cr3t-not-json');
      await bus.publish(channel, JSON.stringify({ ...demand, filter: { include: ['(x+)+y'] } }));
      await expect.poll(() => agent.metric('tailgate_agent_demands_refused_total{code="invalid_demand"}'), { timeout: 5_000 }).toBe(2);
      expect(agent.log()).not.toMatch(/s3cr3t|\(x\+\)/);
      expect(await agent.metric('tailgate_agent_containers_tailed')).toBe(0);
    } finally {
      await bus.close();
    }
  });

  it('gives a listener that comes back with its cursors what it missed, from the files, through the agent', async () => {
    const agent = await start();
    const root = deployment.world.podsRoot;
    const selector = { namespace: 'team-a', pod: 'checkout-api' };
    const first = await deployment.connect('alice');
    expect((await first.subscribe({ source: 'agent-pod-logs.pods', selector })).ok).toBe(true);
    await expect.poll(() => agent.openFiles(root).length, { timeout: 5_000 }).toBe(1);
    const writer = deployment.writers.get('checkout-api')!;
    await writer.write('seen before leaving');
    await first.waitFor(() => first.records.length === 1, 'the first line');
    const cursor = first.records[0]!.cursor;
    first.close();
    await expect.poll(() => agent.openFiles(root), { timeout: 5_000 }).toEqual([]);
    await writer.writeMany(['missed 1', 'missed 2']);
    const again = await deployment.connect('alice');
    const ack = await again.subscribe({ source: 'agent-pod-logs.pods', selector, resume: { 'team-a/checkout-api/api': cursor } });
    if (!ack.ok) throw new Error(ack.error.message);
    await again.waitFor(() => again.records.length === 2, 'the missed lines');
    await expect.poll(() => agent.openFiles(root).length, { timeout: 5_000 }).toBe(1);
    await writer.write('live again');
    await again.waitFor(() => again.records.length === 3, 'the live line');
    expect(again.lines()).toEqual(['missed 1', 'missed 2', 'live again']);
    expect(again.gaps).toEqual([]);
  });

  it('resumes from its saved positions after a restart: lines written while it was down arrive once, in order', async () => {
    const state = mkdtempSync(join(stateDir, 'agent-'));
    const first = await start(state);
    const alice = await deployment.connect('alice');
    const selector = { namespace: 'team-a', pod: 'checkout-api' };
    expect((await alice.subscribe({ source: 'agent-pod-logs.pods', selector })).ok).toBe(true);
    await alice.waitFor(() => alice.targets.length === 1, 'the target');
    await expect.poll(() => first.metric('tailgate_agent_containers_tailed'), { timeout: 5_000 }).toBe(1);
    const writer = deployment.writers.get('checkout-api')!;
    await writer.write('restart 0');
    await alice.waitFor(() => alice.records.length === 1, 'the first line');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const missed = Array.from({ length: 20 }, (_, i) => `restart ${i + 1}`);
    await writer.writeMany(missed);
    await start(state);
    await alice.waitFor(() => alice.records.length === 21, 'the lines written while the agent was down');
    expect(alice.lines()).toEqual(['restart 0', ...missed]);
    alice.close();
  });
});

describe('the embedded agent (no Redis, one process)', () => {
  let deployment: Deployment;

  beforeAll(async () => {
    deployment = await deploy(undefined, (world) => ({
      demandIntervalMs: 200,
      demandTtlMs: 1_000,
      embedded: { root: world.podsRoot, nodeName: 'demo-node', pollIntervalMs: 20, scanIntervalMs: 50 },
    }));
  });
  afterAll(() => deployment.stop());

  it('serves the same plugin in the gateway process, tailing only while someone listens', async () => {
    const root = deployment.world.podsRoot;
    const alice = await deployment.connect('alice');
    const ack = await alice.subscribe({ source: 'agent-pod-logs.pods', selector: { namespace: 'team-a', pod: 'checkout-api' } });
    if (!ack.ok) throw new Error(ack.error.message);
    await alice.waitFor(() => alice.targets.length === 1, 'the target');
    await expect.poll(() => openFilesOf('self', root).length, { timeout: 5_000 }).toBeGreaterThan(0);
    await deployment.writers.get('checkout-api')!.write('embedded line', { stream: 'stderr' });
    await alice.waitFor(() => alice.records.length === 1, 'the line');
    expect(alice.records.map((r) => [r.line, r.stream, r.node])).toEqual([['embedded line', 'stderr', 'demo-node']]);
    await alice.emitRaw('unsubscribe', { id: ack.id });
    await expect.poll(() => openFilesOf('self', root), { timeout: 5_000 }).toEqual([]);
    alice.close();
    expect(deployment.log()).not.toContain('embedded line');
  });
});
