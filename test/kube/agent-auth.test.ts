// Agents authenticate to the gateways, on the real apiserver: two Nodes, an agent pod on each (the
// agents' ServiceAccount) and a workload pod on each; each agent is a real process holding a real
// TokenRequest token bound to its pod (audience tailgate-agent), which it trades at a gateway's
// session endpoint for its node's key — the apiserver's TokenReview names the node. Two gateways
// on a real redis-server share nothing but the secret file: agents get their sessions from one,
// the listener reads through the other. A forger on raw Redis publishes on the stream run's batch
// channel unsigned, signed with the other node's key (as itself, relabelled, and speaking for this
// node's pod), and replays an agent's signed message with its line changed, and as it was: none of
// it reaches the listener, each is counted by reason, and the gateway's log holds none of it. A
// token of another ServiceAccount, or of the agents' one but bound to no pod, gets no session.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { RedisLogBus } from '@tailgate/bus';
import { parseConfig } from '@tailgate/config';
import type { WireTarget } from '@tailgate/contracts';
import { CriLogWriter } from '@tailgate/cri-logs/testing';
import { type AgentSession, sealAgentMessage } from '@tailgate/plugin-agent-pod-logs';
import { freePort, type RedisServer, startRedisServer } from '@tailgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';
import { suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { LogClient, seesTargets } from '../e2e/support/log-client';
import { type AppProcess, killAll, spawnApp } from '../support/app-process';
import { agentGatewayConfig } from './src/agent-gateway-config';
import { grantGatewayIdentity } from './src/gateway-kube';

const POD_LOG = { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] };
const KEY_PREFIX = `tailgate-agent-auth-${randomBytes(3).toString('hex')}:`;
const CHANNELS = `${KEY_PREFIX}plugins:agent-pod-logs:`;
const AUDIENCE = 'tailgate-agent';

/** Resolves once the agent answers /readyz with 200 (polled: readiness has no event); fails if it exits or takes 30 s. */
async function ready(agent: AppProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await fetch(`${agent.url}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (agent.child.exitCode !== null || Date.now() > deadline) throw new Error(`agent not ready (${status}): ${agent.log().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('agents authenticated by their pod-bound ServiceAccount tokens', () => {
  let nodeA: ClusterTestContext;
  let nodeB: ClusterTestContext;
  let ns: string;
  let agentNs: string;
  let dir: string;
  let redis: RedisServer;
  const gateways: RunningGateway[] = [];
  const agents: AppProcess[] = [];
  let forger: RedisLogBus;
  const tokens = new Map<string, string>();
  const writers = new Map<string, CriLogWriter>();
  const runs: string[] = [];
  /** Signed messages the agents published on the run's channel, as they crossed Redis. */
  const captured: string[] = [];
  const forged: string[] = [];
  const log: string[] = [];

  const metric = async (gateway: RunningGateway, series: string): Promise<number> => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  };
  const refusedMessages = (reason: string) => metric(gateways[0]!, `tailgate_agent_messages_refused_total{reason="${reason}"}`);
  const session = (token: string): Promise<Response> =>
    fetch(`${gateways[1]!.url}/plugins/agent-pod-logs/v1/session`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });

  /** A TokenRequest token of `sa`, bound to `pod` when given (as a projected volume's token is). */
  async function tokenOf(sa: string, pod?: { name: string; uid: string }): Promise<string> {
    const created = await nodeA.admin.create<{ status: { token: string } }>(`/api/v1/namespaces/${agentNs}/serviceaccounts/${sa}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        audiences: [AUDIENCE],
        expirationSeconds: 3600,
        ...(pod && { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.name, uid: pod.uid } }),
      },
    });
    return created.status.token;
  }

  beforeAll(async () => {
    const id = suffix();
    nodeA = await connectToTestCluster(`tg-auth-a-${id}`);
    nodeB = await connectToTestCluster(`tg-auth-b-${id}`);
    await grantGatewayIdentity(nodeA);
    ns = await nodeA.fixtures.namespace('tg-auth');
    agentNs = await nodeA.fixtures.namespace('tg-agents');
    await nodeA.fixtures.createServiceAccount(agentNs, 'tailgate-agent');
    await nodeA.fixtures.createServiceAccount(agentNs, 'intruder');
    await nodeA.fixtures.pod(ns, 'web-a');
    await nodeB.fixtures.pod(ns, 'web-b');
    await nodeA.fixtures.grant(ns, 'carol-reads-all', [POD_LOG], [user('carol')]);
    for (const [ctx, name, sa] of [
      [nodeA, 'agent-a', 'tailgate-agent'],
      [nodeB, 'agent-b', 'tailgate-agent'],
      [nodeA, 'intruder-a', 'intruder'],
    ] as const) {
      const pod = await ctx.fixtures.pod(agentNs, name, { serviceAccountName: sa });
      tokens.set(name, await tokenOf(sa, { name, uid: pod.metadata.uid }));
    }
    tokens.set('unbound', await tokenOf('tailgate-agent'));

    dir = mkdtempSync(join(tmpdir(), 'tailgate-agent-auth-'));
    const secretFile = join(dir, 'session-secret');
    writeFileSync(secretFile, randomBytes(32), { mode: 0o600 });
    redis = await startRedisServer();
    for (let replica = 0; replica < 2; replica++) {
      const parsed = parseConfig(
        agentGatewayConfig(nodeA, {
          redisUrl: redis.url,
          keyPrefix: KEY_PREFIX,
          logLevel: 'info',
          agentPodLogs: {
            demandIntervalMs: 200,
            demandTtlMs: 1_000,
            agentAuthentication: { serviceAccount: `${agentNs}/tailgate-agent`, audience: AUDIENCE, secretFile },
          },
        }),
      );
      if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
      gateways.push(await startGateway({ config: parsed.config, logDestination: { write: (line: string) => void log.push(line) } }));
    }

    for (const [node, pod, agent] of [
      [nodeA.kubelet.nodeName, 'web-a', 'agent-a'],
      [nodeB.kubelet.nodeName, 'web-b', 'agent-b'],
    ] as const) {
      const root = join(dir, node);
      writers.set(pod, new CriLogWriter(root, { namespace: ns, pod, container: 'app' }));
      await writers.get(pod)!.write('before anyone listened');
      const tokenFile = join(dir, `${agent}.token`);
      writeFileSync(tokenFile, tokens.get(agent)!, { mode: 0o600 });
      const port = await freePort();
      const args = [
        `--node-name=${node}`,
        `--root=${root}`,
        '--containers-dir=',
        `--state-dir=${join(dir, `${node}-state`)}`,
        '--http-host=127.0.0.1',
        `--http-port=${port}`,
        '--poll-interval-ms=20',
        '--scan-interval-ms=100',
        `--redis-url=${redis.url}`,
        `--redis-key-prefix=${KEY_PREFIX}`,
        `--gateway-url=${gateways[1]!.url}`,
        `--token-file=${tokenFile}`,
      ];
      agents.push(spawnApp('agent', { args, logFile: join(dir, `${agent}.log`), port }));
    }
    // Ready only with a session: the gateway reviewed each token and named its node.
    await Promise.all(agents.map((agent) => ready(agent)));

    forger = new RedisLogBus({ url: redis.url, keyPrefix: KEY_PREFIX, replay: { maxMessages: 0 } });
    await forger.subscribe(`${CHANNELS}{demand}:demand`, (raw) => {
      const message = JSON.parse(raw) as { t: string; run?: string };
      if (message.t !== 'demand' || message.run === undefined || runs.includes(message.run)) return;
      runs.push(message.run);
      void forger.subscribe(`${CHANNELS}{${message.run}}:batches`, (signed) => void captured.push(signed));
    });
  }, 60_000);

  afterAll(async () => {
    await forger?.close();
    await killAll(agents);
    for (const gateway of gateways) await gateway.close();
    await redis?.stop();
    await nodeA?.stop();
    await nodeB?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives a session only to a pod-bound token of the agent ServiceAccount, for the node the apiserver names', async () => {
    const answer = await session(tokens.get('agent-a')!);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as AgentSession).node).toBe(nodeA.kubelet.nodeName);
    for (const [token, status] of [
      [tokens.get('intruder-a')!, 403],
      [tokens.get('unbound')!, 403],
      [nodeA.cluster.users.carol!.token, 401],
      ['not-a-token', 401],
    ] as const) {
      const refused = await session(token);
      expect(refused.status).toBe(status);
      expect(await refused.text()).not.toContain(token);
    }
    const sessions = (result: string) => metric(gateways[1]!, `tailgate_agent_sessions_total{result="${result}"}`);
    expect(await sessions('forbidden')).toBe(2);
    expect(await sessions('unauthenticated')).toBe(2);
    expect(await sessions('issued')).toBeGreaterThanOrEqual(3);
    for (const token of tokens.values()) expect(log.join('')).not.toContain(token);
  });

  it("takes each node's signed records and nothing a Redis writer forges, replays or relabels", async () => {
    const [a, b] = [nodeA.kubelet.nodeName, nodeB.kubelet.nodeName];
    const nodeOf: Record<string, string> = { 'web-a': a, 'web-b': b };
    const carol = await LogClient.connect(gateways[0]!.url, {
      token: nodeA.cluster.users.carol!.token,
      sees: seesTargets(
        (target: WireTarget) => target.ns === ns && target.node !== undefined && nodeOf[target.pod] === target.node,
        () => forged,
      ),
    });
    expect((await carol.subscribe({ source: 'agent-pod-logs.pods', selector: { namespace: ns } })).ok).toBe(true);
    await carol.waitFor(() => carol.targets.length === 2, 'a target from each agent', 15_000);
    await expect.poll(() => runs.length, { timeout: 5_000 }).toBe(1);
    const channel = `agent-pod-logs:{${runs[0]!}}:batches`;
    await writers.get('web-a')!.write('web-a signed line');
    await writers.get('web-b')!.write('web-b signed line');
    await carol.waitFor(() => carol.records.length === 2, 'the agents’ lines');
    const real = captured.find((m) => m.includes('web-a signed line'))!;
    expect(real.startsWith(`tgs1 ${a} `)).toBe(true);

    const target = { namespace: ns, pod: 'web-a', container: 'app' };
    const body = (node: string, line: string) => {
      forged.push(line);
      return JSON.stringify({
        v: 1,
        t: 'records',
        node,
        target,
        records: [['2026-01-01T00:00:00.000000001Z', 'stdout', line, '01767225600000000001-0000000000']],
      });
    };
    const publish = (message: string) => forger.publish(`${KEY_PREFIX}plugins:${channel}`, message);
    // Node B's agent (or whoever holds its key) tries to speak for node A's pod.
    const keyB = (await (await session(tokens.get('agent-b')!)).json()) as AgentSession;
    // Sequences in µs, as agents use: above what node B's agent used so far.
    const signB = (node: string, text: string, n: number) =>
      sealAgentMessage(Buffer.from(keyB.key, 'base64url'), channel, keyB.node, keyB.epoch, Date.now() * 1000 + n, body(node, text));
    await publish(body(a, 'FORGED unsigned'));
    await publish(signB(a, 'FORGED by B naming A', 1));
    await publish(signB(b, 'FORGED by B for a pod of A', 2).replace(`tgs1 ${b} `, `tgs1 ${a} `));
    await publish(signB(b, 'FORGED by B as itself for a pod of A', 3));
    forged.push('REPLAYED changed');
    await publish(real.replace('web-a signed line', 'REPLAYED changed'));
    await publish(real);

    await expect.poll(() => refusedMessages('replayed'), { timeout: 5_000 }).toBe(1);
    expect(await refusedMessages('unsigned')).toBe(1);
    expect(await refusedMessages('node_mismatch')).toBe(1);
    expect(await refusedMessages('bad_signature')).toBe(2);
    await expect.poll(() => metric(gateways[0]!, 'tailgate_agent_records_refused_total{reason="wrong_node"}'), { timeout: 5_000 }).toBe(1);
    await writers.get('web-a')!.write('web-a after the forgeries');
    await carol.waitFor(() => carol.lines().includes('web-a after the forgeries'), 'a line after the forgeries');
    expect(carol.lines().sort()).toEqual(['web-a after the forgeries', 'web-a signed line', 'web-b signed line']);
    expect(carol.violations).toEqual([]);
    const gatewayLog = log.join('');
    expect(gatewayLog).toMatch(/"code":"bad_signature"/);
    for (const secret of [...forged, keyB.key]) expect(gatewayLog).not.toContain(secret);
    carol.close();
  });
});
