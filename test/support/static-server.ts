// A tiny static HTTP server for browser tests: serves a fixed set of in-memory files on
// 127.0.0.1 (a port the kernel picks), so a page has a real http:// origin the gateway can list in
// `server.corsOrigins`. Anything not in the set is a 404; nothing is read from disk.
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaticFile {
  readonly contentType: string;
  readonly body: string | Uint8Array;
  /** Extra response headers, e.g. a `Content-Security-Policy` for a page. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Path (`/index.html`) → file. */
export type StaticFiles = Readonly<Record<string, StaticFile>>;

export interface StaticServer {
  /** `http://127.0.0.1:<port>`: what a browser sends as `Origin` from these pages. */
  readonly origin: string;
  /** Closes the listener and every open connection. */
  close(): Promise<void>;
}

export async function startStaticServer(files: StaticFiles): Promise<StaticServer> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const file = files[path];
    if (request.method !== 'GET' || file === undefined) {
      response.writeHead(request.method === 'GET' ? 404 : 405, { 'content-type': 'text/plain' }).end('not served here\n');
      return;
    }
    const headers: OutgoingHttpHeaders = { 'content-type': file.contentType, 'cache-control': 'no-store', ...file.headers };
    response.writeHead(200, headers).end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
