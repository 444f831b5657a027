// An agent speaks only for its own node, with the binding from the real apiserver: two Nodes
// registered (a kubelet stand-in each), a pod bound to each and one not bound yet, a gateway whose
// pod metadata is the apiserver's pod watch, two real agents (in this process) for the two nodes
// on a real redis-server, and a forged agent — a raw publisher on Redis — claiming records of
// node A's pod for node B, of the unbound pod, and of a pod that does not exist. carol (who may
// read every pod of the namespace) gets each pod's lines from its own node's agent only; no field,
// line or cursor of a forged record reaches her, and the gateway counts them by reason. Agent
// authentication is off here, so the forger can publish at all: this holds the binding on its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { RedisLogBus } from '@tailgate/bus';
import { parseConfig } from '@tailgate/config';
import type { WireTarget } from '@tailgate/contracts';
import { CriLogWriter } from '@tailgate/cri-logs/testing';
import { type RedisServer, startRedisServer } from '@tailgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseAgentConfig } from '../../apps/agent/src/agent-config';
import { type RunningAgent, startAgent } from '../../apps/agent/src/start-agent';
import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';
import { suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { LogClient, seesTargets } from '../e2e/support/log-client';
import { agentGatewayConfig } from './src/agent-gateway-config';
import { grantGatewayIdentity } from './src/gateway-kube';

const POD_LOG = { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] };
const KEY_PREFIX = 'tailgate-agent-binding:';
const CHANNELS = `${KEY_PREFIX}plugins:agent-pod-logs:`;

describe('agents bound to their nodes by the apiserver', () => {
  let nodeA: ClusterTestContext;
  let nodeB: ClusterTestContext;
  let ns: string;
  let dir: string;
  let redis: RedisServer;
  let gateway: RunningGateway;
  let forger: RedisLogBus;
  const agents: RunningAgent[] = [];
  const writers = new Map<string, CriLogWriter>();
  const runs: string[] = [];
  const forged: string[] = [];
  const log: string[] = [];

  const metric = async (reason: string): Promise<number> => {
    const series = `tailgate_agent_records_refused_total{reason="${reason}"}`;
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  };

  beforeAll(async () => {
    const id = suffix();
    nodeA = await connectToTestCluster(`tg-agent-a-${id}`);
    nodeB = await connectToTestCluster(`tg-agent-b-${id}`);
    await grantGatewayIdentity(nodeA);
    ns = await nodeA.fixtures.namespace('tg-agent');
    await nodeA.fixtures.pod(ns, 'web-a');
    await nodeB.fixtures.pod(ns, 'web-b');
    // Not scheduled yet: no spec.nodeName.
    await nodeA.admin.create(`/api/v1/namespaces/${ns}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pending' },
      spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9' }] },
    });
    await nodeA.fixtures.grant(ns, 'carol-reads-all', [POD_LOG], [user('carol')]);

    dir = mkdtempSync(join(tmpdir(), 'tailgate-agent-kube-'));
    redis = await startRedisServer();
    const parsed = parseConfig(
      agentGatewayConfig(nodeA, {
        redisUrl: redis.url,
        keyPrefix: KEY_PREFIX,
        logLevel: 'info',
        agentPodLogs: { demandIntervalMs: 200, demandTtlMs: 1_000, agentAuthentication: { mode: 'none' } },
      }),
    );
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    gateway = await startGateway({ config: parsed.config, logDestination: { write: (line: string) => void log.push(line) } });

    for (const [node, pod] of [
      [nodeA.kubelet.nodeName, 'web-a'],
      [nodeB.kubelet.nodeName, 'web-b'],
    ] as const) {
      const root = join(dir, node);
      writers.set(pod, new CriLogWriter(root, { namespace: ns, pod, container: 'app' }));
      await writers.get(pod)!.write('before anyone listened');
      const config = parseAgentConfig(
        [`--node-name=${node}`, `--root=${root}`, '--containers-dir=', `--state-dir=${join(dir, `${node}-state`)}`],
        {
          TAILGATE_AGENT_HTTP_HOST: '127.0.0.1',
          TAILGATE_AGENT_HTTP_PORT: '0',
          TAILGATE_AGENT_POLL_INTERVAL_MS: '20',
          TAILGATE_AGENT_SCAN_INTERVAL_MS: '100',
          TAILGATE_AGENT_REDIS_URL: redis.url,
          TAILGATE_AGENT_REDIS_KEY_PREFIX: KEY_PREFIX,
          TAILGATE_AGENT_LOG_LEVEL: 'warn',
        },
      );
      agents.push(await startAgent(config, { logDestination: { write: () => undefined } }));
    }
    forger = new RedisLogBus({ url: redis.url, keyPrefix: KEY_PREFIX, replay: { maxMessages: 0 } });
    await forger.subscribe(`${CHANNELS}{demand}:demand`, (raw) => {
      const message = JSON.parse(raw) as { t: string; run?: string };
      if (message.t === 'demand' && message.run && !runs.includes(message.run)) runs.push(message.run);
    });
  });

  afterAll(async () => {
    await forger?.close();
    for (const agent of agents) await agent.stop('test over');
    await gateway?.close();
    await redis?.stop();
    await nodeA?.stop();
    await nodeB?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function forge(run: string, node: string, pod: string): Promise<void> {
    const target = { namespace: ns, pod, container: 'app' };
    const lines = [`FORGED ${pod} by ${node}`, `FORGED ${pod} again`];
    const records = lines.map((line, i) => [
      '2026-01-01T00:00:00.000000001Z',
      'stdout',
      line,
      `00000000001767225600000000001-00000000${i}${pod.length}`,
    ]);
    forged.push(...lines, ...records.map((r) => r[3]!));
    const channel = `${CHANNELS}{${run}}:batches`;
    await forger.publish(channel, JSON.stringify({ v: 1, t: 'added', node, target }));
    await forger.publish(channel, JSON.stringify({ v: 1, t: 'records', node, target, records }));
  }

  it('delivers each pod from the agent of the node the apiserver binds it to, and no forged record', async () => {
    const nodeOf: Record<string, string> = { 'web-a': nodeA.kubelet.nodeName, 'web-b': nodeB.kubelet.nodeName };
    const sees = seesTargets(
      (target: WireTarget) => target.ns === ns && target.node !== undefined && nodeOf[target.pod] === target.node,
      () => forged,
    );
    const carol = await LogClient.connect(gateway.url, { token: nodeA.cluster.users.carol!.token, sees });
    const ack = await carol.subscribe({ source: 'agent-pod-logs.pods', selector: { namespace: ns } });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    await carol.waitFor(() => carol.targets.length === 2, 'a target from each agent', 15_000);
    expect(carol.targets.map((t) => `${t.target.pod}@${t.target.node}`).sort()).toEqual([
      `web-a@${nodeA.kubelet.nodeName}`,
      `web-b@${nodeB.kubelet.nodeName}`,
    ]);
    await expect.poll(() => runs.length, { timeout: 5_000 }).toBe(1);
    const run = runs[0]!;
    await forge(run, nodeB.kubelet.nodeName, 'web-a');
    await forge(run, nodeA.kubelet.nodeName, 'pending');
    await forge(run, nodeA.kubelet.nodeName, 'no-such-pod');
    await writers.get('web-a')!.write('web-a line from its node');
    await writers.get('web-b')!.write('web-b line from its node');
    await carol.waitFor(() => carol.records.length === 2, 'the real lines');
    await expect.poll(() => metric('wrong_node'), { timeout: 5_000 }).toBe(2);
    expect(await metric('unbound_pod')).toBe(2);
    expect(await metric('unknown_pod')).toBe(2);

    expect(carol.records.map((r) => `${r.pod}@${r.node} ${r.line}`).sort()).toEqual([
      `web-a@${nodeA.kubelet.nodeName} web-a line from its node`,
      `web-b@${nodeB.kubelet.nodeName} web-b line from its node`,
    ]);
    const received = JSON.stringify([carol.records, carol.targets, carol.gaps, carol.denied, carol.hidden]);
    for (const secret of forged) expect(received).not.toContain(secret);
    expect(received).not.toMatch(/pending|no-such-pod/);
    expect(carol.violations).toEqual([]);
    const gatewayLog = log.join('');
    expect(gatewayLog).toMatch(/"code":"wrong_node"/);
    for (const secret of forged) expect(gatewayLog).not.toContain(secret);
    carol.close();
  });

  it('follows the pod watch: once a pod is deleted and created on the other node, its old node’s agent speaks for it no more', async () => {
    const afterMove: string[] = [];
    const carol = await LogClient.connect(gateway.url, {
      token: nodeA.cluster.users.carol!.token,
      sees: seesTargets(
        (target) => target.ns === ns,
        () => afterMove,
      ),
    });
    expect((await carol.subscribe({ source: 'agent-pod-logs.pods', selector: { namespace: ns } })).ok).toBe(true);
    await carol.waitFor(() => carol.targets.length === 2, 'both targets', 15_000);
    const webA = writers.get('web-a')!;
    const refusedInAll = async () => (await metric('unknown_pod')) + (await metric('wrong_node')) + (await metric('unbound_pod'));
    /** Writes probes on node A's copy of web-a, each once delivered or refused, until one is refused for `reason`. */
    const refusedOnce = async (reason: string): Promise<void> => {
      for (let probe = 0; probe < 100; probe++) {
        const [forReason, inAll] = [await metric(reason), await refusedInAll()];
        const line = `probe ${reason} ${probe}`;
        await webA.write(line);
        await expect.poll(async () => carol.lines().includes(line) || (await refusedInAll()) > inAll, { timeout: 5_000 }).toBe(true);
        if ((await metric(reason)) > forReason) return;
      }
      throw new Error(`no record refused for ${reason}`);
    };
    await nodeA.admin.delete(`/api/v1/namespaces/${ns}/pods/web-a?gracePeriodSeconds=0`);
    await refusedOnce('unknown_pod');
    await nodeB.fixtures.pod(ns, 'web-a');
    await refusedOnce('wrong_node');
    const lines = ['web-a on node A after the move 1', 'web-a on node A after the move 2'];
    afterMove.push(...lines);
    const refusedBefore = await metric('wrong_node');
    await webA.writeMany(lines);
    await writers.get('web-b')!.write('web-b flush');
    await carol.waitFor(() => carol.lines().includes('web-b flush'), 'the flush line');
    // Both lines judged (and refused): nothing of them can still be on its way.
    await expect.poll(() => metric('wrong_node'), { timeout: 5_000 }).toBe(refusedBefore + lines.length);
    expect(carol.lines().filter((line) => line.includes('after the move'))).toEqual([]);
    // The pod node A's agent spoke for is gone: its target ended once, when the watch said so.
    const ended = carol.targets.filter((t) => t.op === 'removed').map((t) => `${t.target.pod}@${t.target.node} ${t.reason}`);
    expect(ended).toEqual([`web-a@${nodeA.kubelet.nodeName} deleted`]);
    expect(carol.violations).toEqual([]);
    carol.close();
  });
});
