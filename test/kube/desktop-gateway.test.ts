// Desktop mode end to end: the gateway runs with a namespace-only user's own kubeconfig, and that
// user gets a working view — the pod watch is narrowed to what they may read, labels come from
// the apiserver, records flow — instead of cluster-scope errors.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseConfig } from '@tailgate/config';
import { CriLogWriter } from '@tailgate/cri-logs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';
import { suffix, user } from '../cluster/src/fixtures';
import { type ClusterTestContext, connectToTestCluster } from '../cluster/src/test-context';
import { LogClient, SEES_EVERYTHING, seesTargets } from '../e2e/support/log-client';
import { userKubeconfig } from './src/user-kubeconfig';

describe('desktop mode with a namespace-only kubeconfig', () => {
  let ctx: ClusterTestContext;
  let gateway: RunningGateway;
  let namespace: string;
  let writer: CriLogWriter;
  const localToken = randomBytes(24).toString('hex');
  const clients: LogClient[] = [];

  beforeAll(async () => {
    ctx = await connectToTestCluster(`tg-desk-${suffix()}`);
    namespace = await ctx.fixtures.namespace('tg-desk');
    const rules = [
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    ];
    await ctx.fixtures.grant(namespace, 'dave-desktop', rules, [user('dave')]);
    await ctx.fixtures.pod(namespace, 'web', { labels: { 'rbac/policy': 'allow' } });
    const dir = mkdtempSync(join(tmpdir(), 'tailgate-desktop-'));
    const kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, JSON.stringify(userKubeconfig(ctx, 'dave', ctx.cluster.users['dave']!.token, namespace)), { mode: 0o600 });
    writer = new CriLogWriter(join(dir, 'pods'), { namespace, pod: 'web', container: 'app' });
    const parsed = parseConfig({
      server: { port: 0, host: '127.0.0.1' },
      log: { level: 'silent' },
      kube: { connection: { mode: 'kubeconfig', path: kubeconfig } },
      podMetadata: { kind: 'kubernetes' },
      authentication: { authenticators: ['kube-self.local-token'] },
      access: { chain: ['kube-self.self-access-review', 'pod-label-policy.labels'] },
      plugins: {
        'kube-self': { token: localToken },
        'pod-label-policy': {},
        'node-file': { root: join(dir, 'pods'), pollIntervalMs: 20, scanIntervalMs: 50 },
      },
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    gateway = await startGateway({ config: parsed.config });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await gateway?.close();
    await ctx?.stop();
  });

  it('streams the readable namespace with labels from the apiserver, as the kubeconfig user', async () => {
    const client = await LogClient.connect(gateway.url, { token: localToken, sees: SEES_EVERYTHING });
    clients.push(client);
    const ack = await client.subscribe({ source: 'node-file.pods', selector: { namespace } });
    expect(ack).toMatchObject({ ok: true, scope: [{ ns: namespace }] });
    await client.waitFor(() => client.targets.length + client.denied.length === 1, 'the target');
    expect(client.denied).toEqual([]);
    await writer.write('hello from the desktop');
    await client.waitFor(() => client.lines().includes('hello from the desktop'), 'the line');
  });

  it('refuses other tokens, the kubeconfig user’s own Kubernetes token included', async () => {
    await expect(
      LogClient.connect(gateway.url, { token: ctx.cluster.users['dave']!.token, sees: seesTargets(() => false) }),
    ).rejects.toThrow('unauthenticated');
  });
});
