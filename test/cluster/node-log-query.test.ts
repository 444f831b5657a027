// Node Log Query (GET /api/v1/nodes/NAME/proxy/logs/?query=…): authorized by the real apiserver
// as `get nodes/proxy`, validated and answered by the kubelet stand-in as a kubelet would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { user } from './src/fixtures';
import { connectToTestCluster, type ClusterTestContext } from './src/test-context';

let ctx: ClusterTestContext;
const NODE = 'node-log-query';
const logs = (suffix: string): string => `/api/v1/nodes/${NODE}/proxy/logs/${suffix}`;

beforeAll(async () => {
  ctx = await connectToTestCluster(NODE);
  const kubelet = ctx.kubelet.nodeLogs.service('kubelet');
  kubelet.write('Started kubelet', { ts: new Date('2024-05-01T10:00:00Z') });
  kubelet.write('Pod sync error: boom', { ts: new Date('2024-05-01T10:00:05Z') });
  kubelet.write('Stopped kubelet', { ts: new Date('2024-05-01T10:00:09Z') });
  const proxy = ctx.kubelet.nodeLogs.service('kube-proxy');
  proxy.write('proxy before reboot', { ts: new Date('2024-04-30T08:00:00Z'), boot: -1 });
  proxy.write('proxy after reboot', { ts: new Date('2024-05-01T09:00:00Z') });
  ctx.kubelet.nodeLogs.file('containerd.log', 'containerd log from a file\n');
  ctx.kubelet.nodeLogs.file('pods/audit.log', 'audit line\n');
  // carol may proxy to nodes (which is what Node Log Query needs); nodes/log alone is not enough.
  await ctx.fixtures.clusterRole(`node-proxy-${NODE}`, [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]);
  await ctx.fixtures.clusterRoleBinding(`node-proxy-${NODE}`, `node-proxy-${NODE}`, [user('carol')]);
  await ctx.fixtures.clusterRole(`node-log-${NODE}`, [{ apiGroups: [''], resources: ['nodes/log'], verbs: ['get'] }]);
  await ctx.fixtures.clusterRoleBinding(`node-log-${NODE}`, `node-log-${NODE}`, [user('bob')]);
});

afterAll(async () => {
  await ctx?.stop();
});

describe('Node Log Query through the apiserver', () => {
  it('returns journal lines for a service to a user allowed get nodes/proxy', async () => {
    const res = await ctx.as('carol').raw('GET', logs('?query=kubelet'));
    expect(res.status).toBe(200);
    expect(res.text).toBe(
      [
        `May 01 10:00:00.000000 ${NODE} kubelet[1000]: Started kubelet`,
        `May 01 10:00:05.000000 ${NODE} kubelet[1000]: Pod sync error: boom`,
        `May 01 10:00:09.000000 ${NODE} kubelet[1000]: Stopped kubelet`,
        '',
      ].join('\n'),
    );
  });

  it('applies tailLines, pattern and sinceTime like journalctl', async () => {
    const carol = ctx.as('carol');
    expect((await carol.raw('GET', logs('?query=kubelet&tailLines=1'))).text).toContain('Stopped kubelet');
    expect((await carol.raw('GET', logs('?query=kubelet&tailLines=1'))).text).not.toContain('Started');
    expect((await carol.raw('GET', logs('?query=kubelet&pattern=ERROR'))).text).toBe('-- No entries --\n');
    expect((await carol.raw('GET', logs('?query=kubelet&pattern=error'))).text).toContain('Pod sync error: boom');
    const since = await carol.raw('GET', logs(`?query=kubelet&sinceTime=${encodeURIComponent('2024-05-01T10:00:05Z')}`));
    expect(since.text.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('reads every boot unless boot is given, marking where the next boot begins', async () => {
    const carol = ctx.as('carol');
    expect((await carol.raw('GET', logs('?query=kube-proxy'))).text).toBe(
      [
        `Apr 30 08:00:00.000000 ${NODE} kube-proxy[1001]: proxy before reboot`,
        `-- Boot ${ctx.kubelet.nodeLogs.bootId(0)} --`,
        `May 01 09:00:00.000000 ${NODE} kube-proxy[1001]: proxy after reboot`,
        '',
      ].join('\n'),
    );
    expect((await carol.raw('GET', logs('?query=kube-proxy&boot=-1'))).text).toBe(
      `Apr 30 08:00:00.000000 ${NODE} kube-proxy[1001]: proxy before reboot\n`,
    );
  });

  it("accepts Go's regexp syntax in pattern and refuses what Go's regexp refuses", async () => {
    const carol = ctx.as('carol');
    const inlineFlag = await carol.raw('GET', logs(`?query=kubelet&pattern=${encodeURIComponent('(?i)SYNC ERROR')}`));
    expect(inlineFlag.status).toBe(200);
    expect(inlineFlag.text).toContain('Pod sync error: boom');
    const lookahead = await carol.raw('GET', logs(`?query=kubelet&pattern=${encodeURIComponent('error(?=:)')}`));
    expect(lookahead.status).toBe(406);
    expect(lookahead.text).toBe('pattern: Invalid value: "error(?=:)": error parsing regexp: invalid or unsupported Perl syntax: `(?=`\n');
  });

  it('falls back to /var/log/<service>.log for a service not in the journal', async () => {
    expect((await ctx.as('carol').raw('GET', logs('?query=containerd'))).text).toBe('containerd log from a file\n');
  });

  it('denies a user without nodes/proxy, even with nodes/log', async () => {
    const bob = await ctx.as('bob').raw('GET', logs('?query=kubelet'));
    expect(bob.status).toBe(403);
    expect(bob.text).toContain('cannot get resource \\"nodes/proxy\\"');
    expect((await ctx.as('dave').raw('GET', logs('?query=kubelet'))).status).toBe(403);
  });

  it('answers 406 with the kubelet validation message for an invalid query', async () => {
    const carol = ctx.as('carol');
    const boot = await carol.raw('GET', logs('?query=kubelet&boot=1'));
    expect(boot.status).toBe(406);
    expect(boot.text).toBe('boot: Invalid value: 1: must be less than 1\n');
    const fileWithOptions = await carol.raw('GET', logs('?query=pods/audit.log&tailLines=5'));
    expect(fileWithOptions.status).toBe(406);
    expect(fileWithOptions.text).toContain('cannot specify file with options');
    const until = await carol.raw('GET', logs('?query=kubelet&sinceTime=2024-05-01T10:00:05Z&untilTime=2024-05-01T10:00:00.500Z'));
    expect(until.status).toBe(406);
    expect(until.text).toBe('untilTime: Invalid value: "2024-05-01T10:00:00.5Z": must be after `sinceTime`\n');
    const path = await carol.raw('GET', logs('kubelet.log?query=kubelet'));
    expect(path.status).toBe(406);
    expect(path.text).toBe('path not allowed in query mode\n');
  });

  it('answers 400 when a parameter does not parse', async () => {
    const res = await ctx.as('carol').raw('GET', logs('?query=kubelet&tailLines=many'));
    expect(res.status).toBe(400);
    expect(res.text).toContain('tailLines: Invalid value: "many"');
  });

  it('serves a file query from /var/log', async () => {
    const res = await ctx.as('carol').raw('GET', logs('?query=pods/audit.log'));
    expect(res.status).toBe(200);
    expect(res.text).toBe('audit line\n');
  });
});
