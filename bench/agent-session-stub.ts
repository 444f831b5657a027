// The gateways' session endpoint as little as scenario AG needs: answers every POST to the agent's
// session path with one fixed session key for the bench's node, so that the agent under test signs
// everything it publishes as a deployed one does (an HMAC per message). The token is not reviewed:
// what is measured is the agent, and the gateway's side of signing is the subscriber's cost.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const SESSION_PATH = '/plugins/agent-pod-logs/v1/session';
const HOUR_MS = 3_600_000;

export class AgentSessionStub {
  private constructor(
    private readonly server: Server,
    /** The gateway URL the agent is given (`--gateway-url`). */
    readonly url: string,
  ) {}

  static async start(node: string): Promise<AgentSessionStub> {
    const key = randomBytes(32).toString('base64url');
    const server = createServer((request, response) => {
      request.resume();
      if (request.method !== 'POST' || request.url !== SESSION_PATH) {
        response.writeHead(404).end();
        return;
      }
      const now = Date.now();
      const body = JSON.stringify({ node, epoch: 1, key, expiresAt: now + HOUR_MS, renewAt: now + HOUR_MS / 2 });
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new AgentSessionStub(server, `http://127.0.0.1:${port}`);
  }

  /** The agent's settings that make it sign: this URL and a token file in `dir`. */
  flags(dir: string): Readonly<Record<string, string>> {
    const tokenFile = join(dir, 'agent-token');
    writeFileSync(tokenFile, 'bench-token\n');
    return { 'gateway-url': this.url, 'token-file': tokenFile };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
