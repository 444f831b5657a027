// Routing auto on the real apiserver: node A runs an agent (signed, with its pod-bound token),
// node B none. One subscription covering a pod on each gets both: web-a's lines from the agent
// (stdout and stderr kept apart, and no pods/log request for web-a reaches node A's kubelet) and
// web-b's through the apiserver's pods/log from node B's kubelet stand-in (which merges the
// streams: every line stdout). Both files hold the same lines with the same timestamps, as a
// kubelet reads the runtime's file, so the cursors match. Then node A's agent stops: once its
// heartbeat lapses the run reads web-a through the apiserver from the last cursor it delivered;
// the agent comes back and takes over again. Across both switches every line arrives exactly
// once, in order.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseConfig } from '@tailgate/config';
import type { WireRecord } from '@tailgate/contracts';
import { CriLogWriter, nextCriTimestamp } from '@tailgate/cri-logs/testing';
import { type RedisServer, startRedisServer } from '@tailgate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseAgentConfig } from '../../apps/agent/src/agent-config';
import { type RunningAgent, startAgent } from '../../apps/agent/src/start-agent';
import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';
import { suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { LogClient, seesTargets } from '../e2e/support/log-client';
import { agentGatewayConfig } from './src/agent-gateway-config';
import { grantGatewayIdentity, grantPodLogsSource } from './src/gateway-kube';

const POD_LOG = { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] };
const KEY_PREFIX = `tailgate-agent-auto-${randomBytes(3).toString('hex')}:`;

describe('routing auto: the agent where one runs, the apiserver elsewhere, the same cursors', () => {
  let nodeA: ClusterTestContext;
  let nodeB: ClusterTestContext;
  let ns: string;
  let dir: string;
  let redis: RedisServer;
  let gateway: RunningGateway;
  let agent: RunningAgent | undefined;
  let agentArgs: string[];
  let webA: CriLogWriter;
  /** What the first listener received, for the resume. */
  let first: WireRecord[] = [];

  /** Writes a line of web-a as the runtime does: to the CRI file the agent reads and to what the kubelet serves. */
  const writeA = async (line: string, stream: 'stdout' | 'stderr'): Promise<void> => {
    const ts = nextCriTimestamp();
    await webA.write(line, { stream, ts });
    nodeA.kubelet.container(ns, 'web-a', 'app').write(line, { stream, ts });
  };
  const logRequests = (ctx: ClusterTestContext, pod: string) =>
    ctx.kubelet.requests.filter((r) => r.path.startsWith(`/containerLogs/${ns}/${pod}/`)).length;

  beforeAll(async () => {
    const id = suffix();
    nodeA = await connectToTestCluster(`tg-auto-a-${id}`);
    nodeB = await connectToTestCluster(`tg-auto-b-${id}`);
    await grantGatewayIdentity(nodeA);
    await grantPodLogsSource(nodeA);
    ns = await nodeA.fixtures.namespace('tg-auto');
    const agentNs = await nodeA.fixtures.namespace('tg-auto-agents');
    await nodeA.fixtures.createServiceAccount(agentNs, 'tailgate-agent');
    await nodeA.fixtures.pod(ns, 'web-a');
    await nodeB.fixtures.pod(ns, 'web-b');
    const agentPod = await nodeA.fixtures.pod(agentNs, 'agent-a', { serviceAccountName: 'tailgate-agent' });
    await nodeA.fixtures.grant(ns, 'carol-reads-all', [POD_LOG], [user('carol')]);
    const { status } = await nodeA.admin.create<{ status: { token: string } }>(
      `/api/v1/namespaces/${agentNs}/serviceaccounts/tailgate-agent/token`,
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: {
          audiences: ['tailgate-agent'],
          expirationSeconds: 3600,
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'agent-a', uid: agentPod.metadata.uid },
        },
      },
    );

    dir = mkdtempSync(join(tmpdir(), 'tailgate-agent-auto-'));
    const secretFile = join(dir, 'session-secret');
    writeFileSync(secretFile, randomBytes(32), { mode: 0o600 });
    const tokenFile = join(dir, 'agent.token');
    writeFileSync(tokenFile, status.token, { mode: 0o600 });
    redis = await startRedisServer();
    const parsed = parseConfig(
      agentGatewayConfig(nodeA, {
        redisUrl: redis.url,
        keyPrefix: KEY_PREFIX,
        logLevel: 'warn',
        agentPodLogs: {
          routing: 'auto',
          apiserverRescanMs: 100,
          demandIntervalMs: 200,
          demandTtlMs: 1_000,
          // Agents say they are there every 5 s: a stopped one is gone for the gateway after this.
          heartbeatTtlMs: 5_500,
          agentAuthentication: { serviceAccount: `${agentNs}/tailgate-agent`, secretFile },
        },
      }),
    );
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    gateway = await startGateway({ config: parsed.config, logDestination: { write: () => undefined } });

    const root = join(dir, 'pods');
    webA = new CriLogWriter(root, { namespace: ns, pod: 'web-a', container: 'app' });
    await writeA('before anyone listened', 'stdout');
    agentArgs = [
      `--node-name=${nodeA.kubelet.nodeName}`,
      `--root=${root}`,
      '--containers-dir=',
      `--state-dir=${join(dir, 'agent-state')}`,
      '--http-host=127.0.0.1',
      '--http-port=0',
      '--poll-interval-ms=20',
      '--scan-interval-ms=100',
      `--redis-url=${redis.url}`,
      `--redis-key-prefix=${KEY_PREFIX}`,
      `--gateway-url=${gateway.url}`,
      `--token-file=${tokenFile}`,
      '--log-level=warn',
    ];
    agent = await startAgent(parseAgentConfig(agentArgs, {}), { logDestination: { write: () => undefined } });
  }, 60_000);

  afterAll(async () => {
    await agent?.stop('test over');
    await gateway?.close();
    await redis?.stop();
    await nodeA?.stop();
    await nodeB?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves each pod from its agent or the apiserver, and hands a pod over both ways with every line once', async () => {
    const carol = await LogClient.connect(gateway.url, {
      token: nodeA.cluster.users.carol!.token,
      sees: seesTargets((target) => target.ns === ns && target.pod.startsWith('web-')),
    });
    const ack = await carol.subscribe({ source: 'agent-pod-logs.pods', selector: { namespace: ns, container: 'app' } });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    await carol.waitFor(() => carol.targets.filter((t) => t.target.pod.startsWith('web-')).length === 2, 'both targets', 15_000);
    const seen = (pod: string) => carol.records.filter((r) => r.pod === pod).map((r) => `${r.line} ${r.stream}`);

    // The agent's node: its split of stdout and stderr, and no pods/log request for web-a.
    await writeA('a1 out', 'stdout');
    await writeA('a1 err', 'stderr');
    nodeB.kubelet.container(ns, 'web-b', 'app').write('b1 err', { stream: 'stderr' });
    await carol.waitFor(() => seen('web-a').length === 2 && seen('web-b').length === 1, 'a1 and b1');
    expect(seen('web-a')).toEqual(['a1 out stdout', 'a1 err stderr']);
    // The apiserver merges the streams: node B's stderr line comes as stdout.
    expect(seen('web-b')).toEqual(['b1 err stdout']);
    expect(logRequests(nodeA, 'web-a')).toBe(0);
    expect(logRequests(nodeB, 'web-b')).toBeGreaterThan(0);

    // The agent goes away: lines written meanwhile come through the apiserver, from the last cursor.
    await agent!.stop('node drained');
    agent = undefined;
    await writeA('a2 while no agent', 'stderr');
    await carol.waitFor(() => seen('web-a').length === 3, 'a2 through the apiserver', 15_000);
    expect(seen('web-a')[2]).toBe('a2 while no agent stdout');
    expect(logRequests(nodeA, 'web-a')).toBeGreaterThan(0);

    // It comes back and takes over: the apiserver follow ends once the agent delivered.
    agent = await startAgent(parseAgentConfig(agentArgs, {}), { logDestination: { write: () => undefined } });
    const followers = () => nodeA.kubelet.container(ns, 'web-a', 'app').current.followers;
    await expect.poll(() => agent!.tailed().size, { timeout: 10_000 }).toBe(1);
    await writeA('a3 once the agent tails', 'stderr');
    await carol.waitFor(() => seen('web-a').some((s) => s.startsWith('a3 ')), 'a3', 15_000);
    await expect.poll(followers, { timeout: 10_000 }).toBe(0);
    await writeA('a4 from the agent again', 'stderr');
    await carol.waitFor(() => seen('web-a').some((s) => s.startsWith('a4 ')), 'a4');
    expect(seen('web-a').at(-1)).toBe('a4 from the agent again stderr');

    // Every line exactly once, in the order written, across both switches.
    const lines = carol.records.filter((r) => r.pod === 'web-a').map((r) => r.line);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.slice(0, 3)).toEqual(['a1 out', 'a1 err', 'a2 while no agent']);
    const cursors = carol.records.filter((r) => r.pod === 'web-a').map((r) => r.cursor);
    expect([...cursors].sort()).toEqual(cursors);
    expect(carol.violations).toEqual([]);
    first = [...carol.records];
    carol.close();
  });

  it('resumes from cursors whichever source handed them out: the agent’s files and the apiserver agree', async () => {
    const a = first.filter((r) => r.pod === 'web-a');
    const b = first.filter((r) => r.pod === 'web-b');
    nodeB.kubelet.container(ns, 'web-b', 'app').write('b2 while away', { stream: 'stderr' });
    const dave = await LogClient.connect(gateway.url, {
      token: nodeA.cluster.users.carol!.token,
      sees: seesTargets((target) => target.ns === ns && target.pod.startsWith('web-')),
    });
    // web-a after "a1 err" (from the agent then) — "a2" came through the apiserver then, from the
    // agent's file now; web-b from just before "b1", written long ago: only the apiserver's backlog has it.
    const beforeB1 = `${(BigInt(b[0]!.cursor.slice(0, 20)) - 1n).toString().padStart(20, '0')}-0000000000`;
    const resume = { [`${ns}/web-a/app`]: a[1]!.cursor, [`${ns}/web-b/app`]: beforeB1 };
    const ack = await dave.subscribe({ source: 'agent-pod-logs.pods', selector: { namespace: ns, container: 'app' }, resume });
    expect(ack.ok, JSON.stringify(ack)).toBe(true);
    const got = (pod: string) => dave.records.filter((r) => r.pod === pod);
    await dave.waitFor(() => got('web-a').length === a.length - 2 && got('web-b').length === 2, 'what was missed', 15_000);
    expect(got('web-a').map((r) => [r.line, r.cursor])).toEqual(a.slice(2).map((r) => [r.line, r.cursor]));
    expect(got('web-a').map((r) => r.stream)).toEqual(a.slice(2).map(() => 'stderr'));
    expect(got('web-b').map((r) => `${r.line} ${r.stream}`)).toEqual(['b1 err stdout', 'b2 while away stdout']);
    expect(got('web-b')[0]!.cursor).toBe(b[0]!.cursor);
    expect(dave.violations).toEqual([]);
    dave.close();
  });
});
