// The gateway's side of the web UI, in process on the demo world under `server.basePath:
// /tailgate`: the UI's files with their caching and security headers (from a fixture build, so
// the suite never waits for apps/web's), deep links, traversal attempts refused, Socket.IO under
// the base path taking the page's own origin and refusing others, the readable scope of each demo
// user (and nothing of a pod they may not read), and the desktop session's guards.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDemoWorld, type DemoWorld } from '../../apps/gateway/src/demo/demo-world';
import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';

const BASE = '/tailgate';
const SOURCE = 'node-file.pods';
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const INDEX = '<!doctype html><html><head><script type="module" src="./assets/app-1a2b3c.js"></script></head><body></body></html>';
const SCRIPT = 'console.log("tailgate ui");';
/** The desktop token: a token of its own, so it is told apart from any demo user's in bodies and logs. */
const DESKTOP_TOKEN = randomBytes(24).toString('base64url');

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** A raw HTTP GET: the path goes out exactly as written (fetch would resolve `..` first). */
function get(url: string, path: string, headers: Readonly<Record<string, string>> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path.startsWith('/') ? '' : '/'}`, { method: 'GET', path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

function fixtureBuild(dir: string): string {
  const root = join(dir, 'web-dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'assets', 'app-1a2b3c.js'), SCRIPT);
  return root;
}

interface Started {
  readonly gateway: RunningGateway;
  readonly world: DemoWorld;
  readonly log: () => string;
  readonly dir: string;
}

async function start(server: Readonly<Record<string, unknown>>, webUi: 'fixture' | 'missing'): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'tailgate-web-'));
  const world = createDemoWorld(dir, { port: 0, logLevel: 'info' });
  const webUiDir = webUi === 'fixture' ? fixtureBuild(dir) : join(dir, 'no-build-here');
  const chunks: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const config = { ...world.config, server: { ...world.config.server, ...server } };
  const gateway = await startGateway({ config, webUiDir, logDestination });
  return { gateway, world, dir, log: () => chunks.join('') };
}

async function stop(started: Started | undefined): Promise<void> {
  if (!started) return;
  await started.gateway.close();
  rmSync(started.dir, { recursive: true, force: true });
}

/** How a socket.io-client connection on `transport` with this Origin ends. */
function attempt(
  url: string,
  path: string,
  transport: 'polling' | 'websocket',
  token: string,
  origin: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<string> {
  const extraHeaders = { ...headers, origin };
  const socket = io(`${url}/logs`, { path, transports: [transport], forceNew: true, reconnection: false, auth: { token }, extraHeaders });
  return new Promise<string>((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error) => resolve(`refused: ${error.message}`));
  }).finally(() => socket.close());
}

describe(`the web UI under server.basePath ${BASE}`, () => {
  let web: Started;
  let url: string;
  let ownOrigin: string;

  beforeAll(async () => {
    web = await start({ basePath: BASE, trustProxyHeaders: true, desktopSession: { token: DESKTOP_TOKEN } }, 'fixture');
    url = web.gateway.url;
    ownOrigin = `http://127.0.0.1:${web.gateway.port}`;
  });
  afterAll(() => stop(web));

  it('names the UI URL, and serves the index there with the exact security headers and no caching', async () => {
    expect(web.gateway.uiUrl).toBe(`${url}${BASE}/`);
    const index = await get(url, `${BASE}/`);
    expect(index).toMatchObject({ status: 200, body: INDEX });
    expect(index.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cache-control': 'no-cache',
    });
    expect(index.headers['access-control-allow-origin']).toBeUndefined();
    expect(index.headers['x-powered-by']).toBeUndefined();
    const again = await get(url, `${BASE}/`, { 'if-none-match': index.headers.etag as string });
    expect(again).toMatchObject({ status: 304, body: '' });
    expect((await get(url, BASE)).headers.location).toBe(`${BASE}/`);
  });

  it('serves a hashed asset for a year, immutable, with the same headers', async () => {
    const asset = await get(url, `${BASE}/assets/app-1a2b3c.js`);
    expect(asset).toMatchObject({ status: 200, body: SCRIPT });
    expect(asset.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
    });
  });

  it('answers a deep link with the index, and a missing asset with 404, not HTML', async () => {
    expect(await get(url, `${BASE}/team-a/checkout-api?since=5m`)).toMatchObject({ status: 200, body: INDEX });
    // Its relative `./assets/…` resolves below the deep path.
    expect(await get(url, `${BASE}/team-a/assets/app-1a2b3c.js`)).toMatchObject({ status: 200, body: SCRIPT });
    const missing = await get(url, `${BASE}/assets/gone-9z9z9z.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers['content-security-policy']).toBe(CSP);
    expect(missing.body).not.toContain('<');
  });

  it.each([
    `${BASE}/../../../../etc/passwd`,
    `${BASE}/assets/../../package.json`,
    `${BASE}/%2e%2e/%2e%2e/etc/passwd`,
    `${BASE}/assets/%2e%2e%2f%2e%2e%2fweb-dist%2findex.html`,
    `${BASE}/..%5c..%5cetc%5cpasswd`,
    `${BASE}//etc/passwd`,
    `${BASE}/%2fetc%2fpasswd`,
    `${BASE}/index.html%00.js`,
    `${BASE}/assets/`.concat('%00'),
  ])('refuses %s with 404 and no file content', async (path) => {
    const answer = await get(url, path);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toMatch(/root:|"name"|doctype/i);
  });

  it('lists no directory', async () => {
    const assets = await get(url, `${BASE}/assets/`);
    expect(assets.status).toBe(404);
    expect(assets.body).not.toContain('app-1a2b3c');
  });

  it('keeps /healthz, /readyz and /metrics at the root, and the API, the audit query and Socket.IO under the base path', async () => {
    expect((await get(url, '/healthz')).status).toBe(200);
    expect((await get(url, '/readyz')).status).toBe(200);
    expect((await get(url, '/metrics')).status).toBe(200);
    // Under the base path it is only a deep link of the UI.
    expect((await get(url, `${BASE}/healthz`)).body).toBe(INDEX);
    expect(JSON.parse((await get(url, `${BASE}/audit/events`)).body)).toMatchObject({ kind: 'Status', code: 404 });
    expect((await get(url, `${BASE}/api/v1/sources/${SOURCE}/scope`)).status).toBe(401);
    const unknown = await get(url, `${BASE}/api/v1/nothing/here`);
    expect({ status: unknown.status, body: JSON.parse(unknown.body) as unknown }).toEqual({
      status: 404,
      body: { code: 'not_found', message: 'no such API endpoint' },
    });
    expect((await get(url, '/socket.io/?EIO=4&transport=polling')).status).toBe(404);
    expect((await get(url, `${BASE}/socket.io/?EIO=4&transport=polling`)).status).toBe(200);
  });

  it.each(['websocket', 'polling'] as const)('lets the page on its own origin connect over %s, without corsOrigins', async (transport) => {
    const token = web.world.tokens.alice as string;
    expect(await attempt(url, `${BASE}/socket.io`, transport, token, ownOrigin)).toBe('connected');
  });

  it.each(['websocket', 'polling'] as const)('refuses every other origin over %s', async (transport) => {
    const token = web.world.tokens.alice as string;
    const refusal = transport === 'websocket' ? 'refused: websocket error' : 'refused: xhr poll error';
    for (const origin of ['http://evil.example', `http://localhost:${web.gateway.port}`, `https://127.0.0.1:${web.gateway.port}`, 'null'])
      expect(await attempt(url, `${BASE}/socket.io`, transport, token, origin)).toBe(refusal);
  });

  it.each(['websocket', 'polling'] as const)(
    "takes the trusted proxy's forwarded host and scheme as the page's origin over %s",
    async (transport) => {
      const token = web.world.tokens.alice as string;
      const forwarded = { 'x-forwarded-host': 'logs.example', 'x-forwarded-proto': 'https' };
      expect(await attempt(url, `${BASE}/socket.io`, transport, token, 'https://logs.example', forwarded)).toBe('connected');
      expect(await attempt(url, `${BASE}/socket.io`, transport, token, ownOrigin, forwarded)).toMatch(/^refused/);
    },
  );

  describe('GET /api/v1/sources/<id>/scope', () => {
    const scopeOf = async (user: string | null, source = SOURCE) => {
      const headers: Record<string, string> = user === null ? {} : { authorization: `Bearer ${web.world.tokens[user] ?? user}` };
      const answer = await get(url, `${BASE}/api/v1/sources/${source}/scope`, headers);
      return { ...answer, json: JSON.parse(answer.body) as unknown };
    };

    it("gives alice team-a's pods she may read, payments-worker included (her own label)", async () => {
      const answer = await scopeOf('alice');
      expect(answer.status).toBe(200);
      expect(answer.headers).toMatchObject({ 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' });
      expect(answer.json).toEqual({
        source: SOURCE,
        namespaces: ['team-a'],
        pods: [
          { namespace: 'team-a', name: 'checkout-api', labels: { app: 'checkout', 'rbac/policy': 'allow' }, containers: ['api'] },
          {
            namespace: 'team-a',
            name: 'payments-worker',
            labels: { app: 'payments', 'rbac/policy': 'deny', 'rbac/alice': 'allow' },
            containers: ['worker'],
          },
        ],
        truncated: false,
      });
      expect(answer.body).not.toMatch(/team-b|web-frontend|search-indexer|nginx|indexer/);
    });

    it('gives carol only checkout-api: nothing of payments-worker, not its name, not a label', async () => {
      const answer = await scopeOf('carol');
      expect(answer.json).toEqual({
        source: SOURCE,
        namespaces: ['team-a'],
        pods: [{ namespace: 'team-a', name: 'checkout-api', labels: { app: 'checkout', 'rbac/policy': 'allow' }, containers: ['api'] }],
        truncated: false,
      });
      expect(answer.body).not.toMatch(/payments|rbac\/alice|"deny"|team-b/);
    });

    it("gives bob team-b's pods and nothing of team-a", async () => {
      const answer = await scopeOf('bob');
      expect(answer.json).toEqual({
        source: SOURCE,
        namespaces: ['team-b'],
        pods: [
          { namespace: 'team-b', name: 'search-indexer', labels: { app: 'search', 'rbac/policy': 'allow' }, containers: ['indexer'] },
          { namespace: 'team-b', name: 'web-frontend', labels: { app: 'web', 'rbac/policy': 'allow' }, containers: ['nginx'] },
        ],
        truncated: false,
      });
      expect(answer.body).not.toMatch(/team-a|checkout|payments/);
    });

    it('refuses a missing or unknown token with 401 and the protocol code, and an unknown source with 404 after authenticating', async () => {
      for (const user of [null, 'not-a-token']) {
        const answer = await scopeOf(user);
        expect(answer).toMatchObject({ status: 401, json: { code: 'unauthenticated', message: 'a valid bearer token is required' } });
        expect(answer.headers['www-authenticate']).toBe('Bearer');
      }
      expect((await scopeOf(null, 'no-such.source')).status).toBe(401);
      expect(await scopeOf('alice', 'no-such.source')).toMatchObject({
        status: 404,
        json: { code: 'not_found', message: 'no such source' },
      });
      const basic = await get(url, `${BASE}/api/v1/sources/${SOURCE}/scope`, { authorization: `Basic ${web.world.tokens.alice}` });
      expect(basic.status).toBe(401);
      expect(web.log()).not.toContain(web.world.tokens.alice);
    });
  });

  describe('GET /api/v1/session (desktop mode)', () => {
    const session = (headers: Readonly<Record<string, string>>) => get(url, `${BASE}/api/v1/session`, headers);

    it('hands the token to the same-origin page on a loopback host, never cached', async () => {
      const port = web.gateway.port;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
        const extras: Record<string, string>[] = [
          {},
          { origin: `http://${host}`, 'sec-fetch-site': 'same-origin' },
          { 'sec-fetch-site': 'none' },
        ];
        for (const extra of extras) {
          const answer = await session({ host, ...extra });
          expect(answer.status).toBe(200);
          expect(JSON.parse(answer.body)).toEqual({ token: DESKTOP_TOKEN });
          expect(answer.headers).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
          expect(answer.headers['access-control-allow-origin']).toBeUndefined();
        }
      }
    });

    it('never hands it to a foreign Host (DNS rebinding), another origin or a cross-site request', async () => {
      const port = web.gateway.port;
      const attempts: Record<string, string>[] = [
        { host: `evil.example:${port}` },
        { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, 'sec-fetch-site': 'same-origin' },
        { host: `127.0.0.1:${port + 1}` },
        { host: `127.0.0.1:${port}`, origin: 'http://evil.example' },
        { host: `127.0.0.1:${port}`, origin: 'null' },
        { host: `127.0.0.1:${port}`, 'sec-fetch-site': 'cross-site' },
        { host: `127.0.0.1:${port}`, 'sec-fetch-site': 'same-site' },
      ];
      for (const headers of attempts) {
        const answer = await session(headers);
        expect(answer.status).toBe(403);
        expect(JSON.parse(answer.body)).toMatchObject({ code: 'forbidden' });
        expect(answer.body).not.toContain(DESKTOP_TOKEN);
      }
      expect(web.log()).not.toContain(DESKTOP_TOKEN);
    });
  });
});

describe('the web UI at the root (the default base path)', () => {
  let root: Started;

  beforeAll(async () => {
    root = await start({}, 'fixture');
  });
  afterAll(() => stop(root));

  it('serves the UI at / and its deep links, and leaves /healthz, /readyz, /metrics and plugin paths to their owners', async () => {
    const url = root.gateway.url;
    expect(root.gateway.uiUrl).toBe(`${url}/`);
    expect(await get(url, '/')).toMatchObject({ status: 200, body: INDEX });
    expect(await get(url, '/team-b/web-frontend')).toMatchObject({ status: 200, body: INDEX });
    expect(JSON.parse((await get(url, '/healthz')).body)).toEqual({ status: 'ok' });
    expect(JSON.parse((await get(url, '/readyz')).body)).toMatchObject({ status: 'ready' });
    expect((await get(url, '/metrics')).body).toContain('tailgate_');
    expect(JSON.parse((await get(url, '/plugins/flow-tap/v1')).body)).toEqual({ code: 'not_found', reason: 'no such plugin endpoint' });
  });
});

describe('a gateway at the root without the desktop session or a UI build', () => {
  let plain: Started;

  beforeAll(async () => {
    plain = await start({}, 'missing');
  });
  afterAll(() => stop(plain));

  it('says once that the build is missing, and serves the API and Socket.IO at the root without it', async () => {
    expect(plain.log()).toContain('web UI build not found');
    expect(plain.gateway.uiUrl).toBeUndefined();
    const url = plain.gateway.url;
    expect((await get(url, '/')).status).toBe(404);
    const scope = await get(url, `/api/v1/sources/${SOURCE}/scope`, { authorization: `Bearer ${plain.world.tokens.bob}` });
    expect(JSON.parse(scope.body)).toMatchObject({ namespaces: ['team-b'] });
    const token = plain.world.tokens.bob as string;
    expect(await attempt(url, '/socket.io', 'websocket', token, `http://127.0.0.1:${plain.gateway.port}`)).toBe('connected');
    // Without trustProxyHeaders a forwarded host is the client's word, not the proxy's.
    const forwarded = { 'x-forwarded-host': 'logs.example', 'x-forwarded-proto': 'https' };
    expect(await attempt(url, '/socket.io', 'websocket', token, 'https://logs.example', forwarded)).toBe('refused: websocket error');
  });

  it('answers the session endpoint 204 without a token outside desktop mode, even for a loopback same-origin request', async () => {
    const answer = await get(plain.gateway.url, '/api/v1/session', {
      host: `127.0.0.1:${plain.gateway.port}`,
      'sec-fetch-site': 'same-origin',
    });
    expect(answer.status).toBe(204);
    expect(answer.body).toBe('');
  });
});
