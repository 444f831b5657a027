import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import { AgentSessionClient, SESSION_PATH } from './agent-session-client';

const KEY = Buffer.alloc(32, 5).toString('base64url');

describe('AgentSessionClient', () => {
  let server: Server | undefined;
  let dir: string | undefined;
  afterEach(() => {
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A gateway stand-in answering each session request with `answer(request)`. */
  async function gateway(answer: (req: IncomingMessage) => [number, unknown]): Promise<string> {
    server = createServer((req, res) => {
      const [status, body] = answer(req);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  function tokenFile(token: string): string {
    dir = mkdtempSync(join(tmpdir(), 'agent-session-'));
    writeFileSync(join(dir, 'token'), `${token}\n`);
    return join(dir, 'token');
  }

  it('posts the token and holds the key of the node the gateway names', async () => {
    const seen: string[] = [];
    const url = await gateway((req) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      return [200, { node: 'node-a', epoch: 7, key: KEY, expiresAt: Date.now() + 60_000, renewAt: Date.now() + 30_000 }];
    });
    let sessions = 0;
    const logs: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
    const client = new AgentSessionClient(url, tokenFile('the-token'), 'node-a', logger, () => sessions++);
    await client.start();
    client.stop();
    expect(seen).toEqual([`POST ${SESSION_PATH} Bearer the-token`]);
    expect(client.current()).toMatchObject({ node: 'node-a', epoch: 7, key: Buffer.from(KEY, 'base64url') });
    expect(client.problem()).toBeUndefined();
    expect(sessions).toBe(1);
    expect(logs.join('')).not.toMatch(/the-token|AAAA|BQUF/);
  });

  it('holds nothing when refused, when the gateway names another node, or without a token, and says why', async () => {
    let answer: [number, unknown] = [403, { error: { code: 'forbidden' } }];
    const url = await gateway(() => answer);
    const logger = pino({ level: 'silent' });
    const file = tokenFile('t');
    const attempt = async (nodeName: string, path = file) => {
      const client = new AgentSessionClient(url, path, nodeName, logger);
      await client.start();
      client.stop();
      return [client.current(), client.problem()];
    };
    expect(await attempt('node-a')).toEqual([undefined, 'refused']);
    answer = [200, { node: 'node-b', epoch: 7, key: KEY, expiresAt: Date.now() + 60_000, renewAt: Date.now() + 30_000 }];
    expect(await attempt('node-a')).toEqual([undefined, 'wrong_node']);
    answer = [200, { node: 'node-a', key: 'short' }];
    expect(await attempt('node-a')).toEqual([undefined, 'invalid_answer']);
    expect(await attempt('node-a', join(file, 'missing'))).toEqual([undefined, 'token_unreadable']);
  });
});
