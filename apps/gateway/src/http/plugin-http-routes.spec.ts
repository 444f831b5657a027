// Plugin endpoints through a real node:http server: routing by plugin id, the raw body as sent,
// errors without detail, and a refused upload that closes its connection instead of being read.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

import { silentLogger, type PluginHttpRequest } from '@tailgate/plugin-sdk';
import { afterEach, describe, expect, it } from 'vitest';

import { GatewayMetrics } from '../metrics/gateway-metrics';
import { PluginHttpRoutes } from './plugin-http-routes';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(routes: PluginHttpRoutes): Promise<string> {
  server = createServer((req, res) =>
    routes.middleware(req, res, () => {
      res.statusCode = 418;
      res.end('not a plugin path');
    }),
  );
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(url: string, method: string, body?: Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

describe('PluginHttpRoutes', () => {
  it('gives the plugin its path, lower-case headers and the raw body as sent, and counts the answer', async () => {
    const metrics = new GatewayMetrics();
    const routes = new PluginHttpRoutes(metrics.pluginHttpRequests, silentLogger);
    const seen: { request: PluginHttpRequest; body: Buffer }[] = [];
    routes.mount('flow-tap', async (request) => {
      seen.push({ request, body: await readAll(request.body) });
      return { status: 200, headers: { 'x-accepted': '2' }, body: { accepted: 2 } };
    });
    const url = await serve(routes);
    const gzipped = gzipSync('{"a":1}\n{"a":2}\n');
    const answer = await send(`${url}/plugins/flow-tap/v1/flow/ns/f?x=1`, 'POST', gzipped, { 'Content-Encoding': 'gzip' });
    expect(answer).toMatchObject({ status: 200, body: '{"accepted":2}' });
    expect(answer.headers['x-accepted']).toBe('2');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.request).toMatchObject({ method: 'POST', path: '/v1/flow/ns/f' });
    expect(seen[0]?.request.headers['content-encoding']).toBe('gzip');
    expect(seen[0]?.body.equals(gzipped)).toBe(true);
    const counted = (await metrics.registry.getSingleMetric('tailgate_plugin_http_requests_total')?.get())?.values ?? [];
    expect(counted).toEqual([expect.objectContaining({ labels: { plugin: 'flow-tap', status: '200' }, value: 1 })]);
  });

  it('passes other paths on, answers 404 for a plugin that serves nothing, and refuses a second mount', async () => {
    const routes = new PluginHttpRoutes(new GatewayMetrics().pluginHttpRequests, silentLogger);
    routes.mount('flow-tap', () => Promise.resolve({ status: 204 }));
    expect(() => routes.mount('flow-tap', () => Promise.resolve({ status: 204 }))).toThrow(/already/);
    const url = await serve(routes);
    expect((await send(`${url}/healthz`, 'GET')).status).toBe(418);
    expect((await send(`${url}/pluginsx/flow-tap`, 'GET')).status).toBe(418);
    const unknown = await send(`${url}/plugins/other/v1`, 'GET');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({ code: 'not_found', reason: 'no such plugin endpoint' });
  });

  it('serves under server.basePath only, when one is set', async () => {
    const routes = new PluginHttpRoutes(new GatewayMetrics().pluginHttpRequests, silentLogger, '/tailgate');
    const paths: string[] = [];
    routes.mount('flow-tap', (request) => {
      paths.push(request.path);
      return Promise.resolve({ status: 204 });
    });
    const url = await serve(routes);
    expect((await send(`${url}/tailgate/plugins/flow-tap/v1/flow`, 'GET')).status).toBe(204);
    expect((await send(`${url}/plugins/flow-tap/v1/flow`, 'GET')).status).toBe(418);
    expect(paths).toEqual(['/v1/flow']);
  });

  it('answers 500 without the error text when the handler throws', async () => {
    const routes = new PluginHttpRoutes(new GatewayMetrics().pluginHttpRequests, silentLogger);
    routes.mount('flow-tap', () => Promise.reject(new Error('secret-password-in-message')));
    const answer = await send(`${await serve(routes)}/plugins/flow-tap/x`, 'POST', Buffer.from('{}'));
    expect(answer.status).toBe(500);
    expect(answer.body).not.toContain('secret');
    expect(JSON.parse(answer.body)).toEqual({ code: 'internal', reason: 'the endpoint failed' });
  });

  it('closes the connection after answering a body the handler did not read', async () => {
    const routes = new PluginHttpRoutes(new GatewayMetrics().pluginHttpRequests, silentLogger);
    routes.mount('flow-tap', () => Promise.resolve({ status: 401, headers: { 'www-authenticate': 'Basic realm="t"' } }));
    const answer = await send(`${await serve(routes)}/plugins/flow-tap/v1`, 'POST', Buffer.alloc(4 * 1024 * 1024, 0x61));
    expect(answer.status).toBe(401);
    expect(answer.headers.connection).toBe('close');
    expect(answer.headers['www-authenticate']).toBe('Basic realm="t"');
  });
});
