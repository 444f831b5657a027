// pods/log through the real kube-apiserver, served by the kubelet stand-in behind it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextStream } from './src/text-stream';
import { connectToTestCluster, type ClusterTestContext } from './src/test-context';

let ctx: ClusterTestContext;
let ns: string;

const logPath = (pod: string, query: string): string => `/api/v1/namespaces/${ns}/pods/${pod}/log?${query}`;

beforeAll(async () => {
  ctx = await connectToTestCluster('node-pods-log');
  ns = await ctx.fixtures.namespace('logs');
  await ctx.fixtures.pod(ns, 'web', { labels: { app: 'web' }, containers: ['app', 'sidecar'] });
  const app = ctx.kubelet.container(ns, 'web', 'app');
  app.write('first line', { ts: '2024-05-01T10:00:00.123456789Z' });
  app.write('second line', { ts: '2024-05-01T10:00:01.200000000Z', stream: 'stderr' });
  app.write('third line', { ts: '2024-05-01T10:00:02.000000001Z' });
  ctx.kubelet.container(ns, 'web', 'sidecar').write('sidecar says hi');
});

afterAll(async () => {
  await ctx?.stop();
});

describe('pods/log through the apiserver', () => {
  it('returns what the container wrote, stdout and stderr interleaved', async () => {
    const res = await ctx.admin.raw('GET', logPath('web', 'container=app'));
    expect(res.status).toBe(200);
    expect(res.text).toBe('first line\nsecond line\nthird line\n');
  });

  it('reaches the stand-in with the apiserver kubelet-client identity and forwards the options', async () => {
    await ctx.admin.raw('GET', logPath('web', 'container=app&tailLines=2&timestamps=true'));
    const seen = ctx.kubelet.requests.filter((r) => r.path === `/containerLogs/${ns}/web/app`).at(-1);
    expect(seen?.clientName).toBe('kube-apiserver-kubelet-client');
    expect(seen?.query.get('tailLines')).toBe('2');
    expect(seen?.query.get('timestamps')).toBe('true');
  });

  it('applies tailLines to the last lines', async () => {
    const res = await ctx.admin.raw('GET', logPath('web', 'container=app&tailLines=1'));
    expect(res.text).toBe('third line\n');
  });

  it('prefixes RFC3339Nano timestamps with all nine digits', async () => {
    const res = await ctx.admin.raw('GET', logPath('web', 'container=app&timestamps=true&tailLines=2'));
    expect(res.text).toBe('2024-05-01T10:00:01.200000000Z second line\n2024-05-01T10:00:02.000000001Z third line\n');
  });

  it('drops sub-second precision of sinceTime on the way to the kubelet', async () => {
    // The apiserver re-serialises sinceTime with time.RFC3339, so 10:00:01.9 becomes 10:00:01.
    const res = await ctx.admin.raw('GET', logPath('web', `container=app&sinceTime=${encodeURIComponent('2024-05-01T10:00:01.900Z')}`));
    expect(res.text).toBe('second line\nthird line\n');
  });

  it('stops after limitBytes, mid-line', async () => {
    const res = await ctx.admin.raw('GET', logPath('web', 'container=app&limitBytes=14'));
    expect(res.text).toBe('first line\nsec');
  });

  it('asks for a container name when the pod has several', async () => {
    const res = await ctx.admin.raw('GET', logPath('web', ''));
    expect(res.status).toBe(400);
    expect(res.text).toContain('a container name must be specified for pod web, choose one of: [app sidecar]');
  });

  it('answers 400 for previous logs of a container that never restarted', async () => {
    const res = await ctx.admin.raw('GET', logPath('web', 'container=sidecar&previous=true'));
    expect(res.status).toBe(400);
    expect(res.text).toContain('previous terminated container \\"sidecar\\" in pod \\"web\\" not found');
  });

  it('serves the previous run after a restart', async () => {
    await ctx.fixtures.pod(ns, 'crashy');
    const c = ctx.kubelet.container(ns, 'crashy', 'app');
    c.write('before crash');
    c.restart();
    c.write('after restart');
    expect((await ctx.admin.raw('GET', logPath('crashy', 'previous=true'))).text).toBe('before crash\n');
    expect((await ctx.admin.raw('GET', logPath('crashy', ''))).text).toBe('after restart\n');
  });

  it('follows new lines and ends the stream cleanly when the container terminates', async () => {
    await ctx.fixtures.pod(ns, 'follow-me');
    const c = ctx.kubelet.container(ns, 'follow-me', 'app');
    c.write('old 1');
    c.write('old 2');
    const stream = new TextStream(await ctx.admin.open('GET', logPath('follow-me', 'follow=true&tailLines=1')));
    expect(stream.status).toBe(200);
    await stream.until((t) => t === 'old 2\n');
    c.write('live 1');
    await stream.until((t) => t.endsWith('live 1\n'));
    c.write('live 2');
    c.terminate();
    await expect(stream.ended).resolves.toBe('old 2\nlive 1\nlive 2\n');
  });

  it('closes the kubelet stream when the client hangs up', async () => {
    await ctx.fixtures.pod(ns, 'hang-up');
    const c = ctx.kubelet.container(ns, 'hang-up', 'app');
    c.write('before hang-up');
    const stream = new TextStream(await ctx.admin.open('GET', logPath('hang-up', 'follow=true')));
    await stream.until((t) => t === 'before hang-up\n');
    const upstream = ctx.kubelet.requests.filter((r) => r.path === `/containerLogs/${ns}/hang-up/app`).at(-1);
    expect(c.current.followers).toBe(1);
    stream.close();
    await upstream?.closed;
    expect(c.current.followers).toBe(0);
  });

  it('cuts at limitBytes even inside a UTF-8 character, as the kubelet counts bytes', async () => {
    await ctx.fixtures.pod(ns, 'utf8');
    ctx.kubelet.container(ns, 'utf8', 'app').write('héllo');
    const res = await ctx.admin.open('GET', logPath('utf8', 'limitBytes=2'));
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from([0x68, 0xc3]));
  });

  it('answers 404 for a pod that does not exist', async () => {
    const res = await ctx.admin.raw('GET', logPath('no-such-pod', ''));
    expect(res.status).toBe(404);
    expect(res.text).toContain('pods \\"no-such-pod\\" not found');
  });
});
