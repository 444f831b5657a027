import { createServer } from 'node:net';

import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';

import { type HealthServer, startHealthServer } from './health-server';
import { ProcessError } from './process-error';

describe('startHealthServer', () => {
  const servers: HealthServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  const start = async (problems: () => readonly string[]) => {
    const registry = new Registry();
    const server = await startHealthServer('127.0.0.1', 0, problems, registry);
    servers.push(server);
    return server;
  };

  it('answers /healthz always, /readyz with the problems while there are any, and /metrics', async () => {
    let problems: string[] = ['starting'];
    const server = await start(() => problems);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const unready = await fetch(`${server.url}/readyz`);
    expect([unready.status, await unready.json()]).toEqual([503, { status: 'not_ready', problems: ['starting'] }]);
    problems = [];
    const ready = await fetch(`${server.url}/readyz?verbose`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
  });

  it('refuses other methods and paths', async () => {
    const server = await start(() => []);
    expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${server.url}/records`)).status).toBe(404);
  });

  it('fails to start with listen_failed when its port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const failed = startHealthServer('127.0.0.1', port, () => [], new Registry());
      await expect(failed).rejects.toBeInstanceOf(ProcessError);
      await expect(failed).rejects.toMatchObject({ code: 'listen_failed', message: `cannot listen on 127.0.0.1:${port} (EADDRINUSE)` });
    } finally {
      taken.close();
    }
  });
});
