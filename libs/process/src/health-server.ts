// The only HTTP surface of a process beside the gateway (agent, worker), on plain node:http:
// GET /healthz (the process is alive), /readyz (it can serve: 200, or 503 with the codes of what
// is wrong) and /metrics (Prometheus text). It never serves records nor plugin HTTP.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Registry } from 'prom-client';

import { errorCode, ProcessError } from './process-error';

export interface HealthServer {
  /** Base URL of /healthz, /readyz and /metrics (127.0.0.1 when bound to 0.0.0.0). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** What keeps the process from being ready now, as problem codes; empty when ready. */
export type ReadinessCheck = () => readonly string[];

/** Listens on host:port (0: any free port); a ProcessError `listen_failed` when it cannot. */
export async function startHealthServer(host: string, port: number, readiness: ReadinessCheck, metrics: Registry): Promise<HealthServer> {
  const server = createServer((request, response) => {
    answer(request, response, readiness, metrics).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new ProcessError('listen_failed', `cannot listen on ${host}:${port} (${errorCode(error)})`)));
    server.listen(port, host, resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(request: IncomingMessage, response: ServerResponse, readiness: ReadinessCheck, metrics: Registry): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, { status: 'method_not_allowed' });
  const path = (request.url ?? '/').split('?')[0];
  if (path === '/healthz') return send(response, 200, { status: 'ok' });
  if (path === '/readyz') {
    const problems = readiness();
    return problems.length === 0 ? send(response, 200, { status: 'ready' }) : send(response, 503, { status: 'not_ready', problems });
  }
  if (path === '/metrics') {
    const text = await metrics.metrics();
    response.writeHead(200, { 'content-type': metrics.contentType });
    response.end(text);
    return;
  }
  send(response, 404, { status: 'not_found' });
}

function send(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
