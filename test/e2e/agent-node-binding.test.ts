// An agent speaks only for its own node, end to end: two real agents (in this process) stand for
// node-a and node-b, each with its own pods root, behind a gateway on a real Redis; the pod file
// (the "apiserver") binds checkout-api to node-a and payments-worker to node-b. A forged agent — a
// raw publisher on Redis that reads the demand and writes on the run's batch channel — claims
// records of node-a's pod for node-b, for a pod nobody has, and as a node that never registered.
// No listener gets a field, line or cursor of them (the leak oracle checks every event), the real
// agents' records still flow, and the gateway counts every forged record by reason.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import type { WireTarget } from '@tailgate/contracts';
import { RedisLogBus } from '@tailgate/bus';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { parseAgentConfig } from '../../apps/agent/src/agent-config';
import { type RunningAgent, startAgent } from '../../apps/agent/src/start-agent';
import { createDemoWorld, DEMO_PODS, type DemoWorld } from '../../apps/gateway/src/demo/demo-world';
import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';
import { LogClient, seesTargets } from './support/log-client';
import { TrackedCriLogWriter } from './support/start-demo-gateway';

const CHANNELS = 'plugins:agent-pod-logs:';
/** The "apiserver's" binding of each demo pod. */
const NODE_OF: Readonly<Record<string, string>> = {
  'checkout-api': 'node-a',
  'payments-worker': 'node-b',
  'web-frontend': 'node-a',
  'search-indexer': 'node-b',
};

const forgedLines = (tag: string) => [`FORGED-${tag}-1 password=hunter2`, `FORGED-${tag}-2`];
const forgedCursor = (tag: string, i: number) => `0000000000177000000000000${tag.length}-00000000${i}`;

describe('an agent speaks only for its own node (two agents, real Redis)', () => {
  const redisUrl = inject('redisUrl');
  let dir: string;
  let world: DemoWorld;
  let gateway: RunningGateway;
  let forger: RedisLogBus;
  const agents: RunningAgent[] = [];
  const written = new Map<string, string[]>();
  const writers = new Map<string, TrackedCriLogWriter>();
  const demandRuns: { run: string; namespace?: string }[] = [];
  const logChunks: string[] = [];
  /** Every line and cursor the forger published: secrets to the leak oracle. */
  const forged: string[] = [];
  /** Each publishes one forged announcement and batch on a run's batch channel. */
  const forgeries: ((run: string) => Promise<void>)[] = [];
  let register: () => Promise<void>;

  const metric = async (series: string): Promise<number> => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tailgate-agent-binding-'));
    const keyPrefix = `tailgate-agent-binding-${randomBytes(4).toString('hex')}:`;
    world = createDemoWorld(dir, { port: 0, redisUrl, redisKeyPrefix: keyPrefix, streams: { idleGraceMs: 200 }, podMetadataReloadMs: 50 });
    const pods = DEMO_PODS.map(({ namespace, name, labels }) => ({ namespace, name, node: NODE_OF[name], labels }));
    writeFileSync(world.podFile, JSON.stringify(pods));
    for (const pod of DEMO_PODS) {
      const lines: string[] = [];
      written.set(`${pod.namespace}/${pod.name}`, lines);
      const root = join(dir, NODE_OF[pod.name]!);
      writers.set(pod.name, new TrackedCriLogWriter(root, { namespace: pod.namespace, pod: pod.name, container: pod.container }, lines));
    }
    for (const writer of writers.values()) await writer.write('before anyone listened');
    const config = {
      ...world.config,
      // No cluster, no TokenReview: agents unsigned; this holds the binding on its own.
      plugins: {
        ...world.config.plugins,
        'agent-pod-logs': { demandIntervalMs: 200, demandTtlMs: 1_000, agentAuthentication: { mode: 'none' } },
      },
    };
    const logDestination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logChunks.push(chunk.toString());
        done();
      },
    });
    gateway = await startGateway({ config, logDestination });
    for (const node of ['node-a', 'node-b']) {
      const root = join(dir, node);
      mkdirSync(root, { recursive: true });
      const flags = [`--node-name=${node}`, `--root=${root}`, '--containers-dir=', `--state-dir=${join(dir, `${node}-state`)}`];
      const agentConfig = parseAgentConfig(flags, {
        TAILGATE_AGENT_HTTP_HOST: '127.0.0.1',
        TAILGATE_AGENT_HTTP_PORT: '0',
        TAILGATE_AGENT_POLL_INTERVAL_MS: '20',
        TAILGATE_AGENT_SCAN_INTERVAL_MS: '100',
        TAILGATE_AGENT_REDIS_URL: redisUrl,
        TAILGATE_AGENT_REDIS_KEY_PREFIX: keyPrefix,
        TAILGATE_AGENT_LOG_LEVEL: 'warn',
      });
      agents.push(await startAgent(agentConfig, { logDestination: { write: () => undefined } }));
    }
    // The forger: anyone who may read and publish on the Redis the gateways and agents share.
    forger = new RedisLogBus({ url: redisUrl, keyPrefix, replay: { maxMessages: 0 } });
    await forger.subscribe(`${keyPrefix}${CHANNELS}{demand}:demand`, (raw) => {
      const message = JSON.parse(raw) as { t: string; run?: string; selector?: { namespace?: string } };
      if (message.t === 'demand' && message.run && !demandRuns.some((d) => d.run === message.run))
        demandRuns.push({ run: message.run, ...(message.selector?.namespace && { namespace: message.selector.namespace }) });
    });
    const forge = (tag: string, node: string, namespace: string, pod: string, container: string) => async (run: string) => {
      const lines = forgedLines(tag);
      const records = lines.map((line, i) => ['2026-01-01T00:00:00.000000001Z', 'stdout', line, forgedCursor(tag, i)]);
      forged.push(...lines, ...records.map((r) => r[3]!));
      const channel = `${keyPrefix}${CHANNELS}{${run}}:batches`;
      await forger.publish(channel, JSON.stringify({ v: 1, t: 'added', node, target: { namespace, pod, container } }));
      await forger.publish(channel, JSON.stringify({ v: 1, t: 'records', node, target: { namespace, pod, container }, records }));
    };
    forgeries.push(
      // node-b's agent is real and registered, but checkout-api is bound to node-a.
      forge('other-node', 'node-b', 'team-a', 'checkout-api', 'api'),
      // A node that registered itself claims node-a's pod.
      forge('evil-node', 'node-evil', 'team-a', 'checkout-api', 'api'),
      // A pod the apiserver does not know.
      forge('ghost', 'node-a', 'team-a', 'ghost-0', 'app'),
      // A node that never registered.
      forge('silent-node', 'node-silent', 'team-a', 'payments-worker', 'worker'),
    );
    // A node that registers itself (anyone on Redis can) once the gateway listens.
    register = () => forger.publish(`${keyPrefix}${CHANNELS}{demand}:agents`, JSON.stringify({ v: 1, t: 'agent', node: 'node-evil' }));
  }, 60_000);

  afterAll(async () => {
    await forger?.close();
    for (const agent of agents) await agent.stop('test over');
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What alice may see: team-a's pods, each only as the apiserver binds it; forged lines and cursors never. */
  const aliceSees = seesTargets(
    (target: WireTarget) => target.ns === 'team-a' && target.node === NODE_OF[target.pod],
    () => [...forged, ...(written.get('team-b/web-frontend') ?? []), ...(written.get('team-b/search-indexer') ?? [])],
  );

  it('delivers each node’s own pods and nothing a forged agent sends for a pod of another node', async () => {
    const alice = await LogClient.connect(gateway.url, { token: world.tokens.alice, sees: aliceSees });
    const ack = await alice.subscribe({ source: 'agent-pod-logs.pods', selector: { namespace: 'team-a' } });
    if (!ack.ok) throw new Error(ack.error.message);
    await alice.waitFor(() => alice.targets.length === 2, 'a target from each agent');
    expect(alice.targets.map((t) => `${t.target.pod}@${t.target.node}`).sort()).toEqual(['checkout-api@node-a', 'payments-worker@node-b']);
    await expect.poll(() => demandRuns.filter((d) => d.namespace === 'team-a').length, { timeout: 5_000 }).toBe(1);
    const run = demandRuns.find((d) => d.namespace === 'team-a')!.run;
    await register();
    for (const forgery of forgeries) await forgery(run);
    // Written after the forgeries: once they arrive, the forged batches were judged before them.
    await writers.get('checkout-api')!.write('real line of node-a');
    await writers.get('payments-worker')!.write('real line of node-b');
    await alice.waitFor(() => alice.records.length === 2, 'the real lines');
    await expect.poll(() => metric('tailgate_agent_records_refused_total{reason="wrong_node"}'), { timeout: 5_000 }).toBe(4);
    expect(await metric('tailgate_agent_records_refused_total{reason="unknown_pod"}')).toBe(2);
    expect(await metric('tailgate_agent_records_refused_total{reason="unregistered_node"}')).toBe(2);

    expect(alice.records.map((r) => `${r.pod}@${r.node} ${r.line}`).sort()).toEqual([
      'checkout-api@node-a real line of node-a',
      'payments-worker@node-b real line of node-b',
    ]);
    const received = JSON.stringify([alice.records, alice.targets, alice.gaps, alice.denied, alice.hidden]);
    for (const secret of forged) expect(received).not.toContain(secret);
    expect(received).not.toContain('ghost-0');
    expect(received).not.toMatch(/node-evil|node-silent/);
    expect(alice.violations).toEqual([]);
    // Refusals are logged by code, never with the forged content.
    const log = logChunks.join('');
    expect(log).toMatch(/"code":"wrong_node"/);
    for (const secret of forged) expect(log).not.toContain(secret);
    alice.close();
  });
});
