import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { postJson } from './post-json';

describe('postJson', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  async function serve(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<URL> {
    server = createServer(answer);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/session`);
  }

  it('posts with the headers given and reads the status and the JSON answer', async () => {
    const seen: { method?: string; auth?: string } = {};
    const url = await serve((req, res) => {
      seen.method = req.method;
      seen.auth = req.headers.authorization;
      res.writeHead(201).end('{"ok":true}');
    });
    expect(await postJson(url, { authorization: 'Bearer t' }, 5_000)).toEqual({ status: 201, body: { ok: true } });
    expect(seen).toEqual({ method: 'POST', auth: 'Bearer t' });
  });

  it('reads an answer that is not JSON as undefined, and refuses one too large', async () => {
    const url = await serve((req, res) => {
      res.writeHead(200).end(req.url === '/session' ? 'not json' : 'x'.repeat(100 * 1024));
    });
    expect(await postJson(url, {}, 5_000)).toEqual({ status: 200, body: undefined });
    expect(await postJson(new URL('/big', url), {}, 5_000)).toEqual({ failed: 'too_large' });
  });

  it('fails without an answer in time or without a server', async () => {
    const url = await serve(() => undefined);
    expect(await postJson(url, {}, 100)).toEqual({ failed: 'timeout' });
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    expect(await postJson(url, {}, 5_000)).toEqual({ failed: 'unreachable' });
  });
});
