// Serves the web UI at `<basePath>/` from the build read at start: hashed assets cached for a
// year, the index revalidated every time (and served for deep links), every answer with the
// UI's security headers. Paths of the API, Socket.IO and plugins, and everything outside the
// base path, are passed on.
import type { IncomingMessage, ServerResponse } from 'node:http';

import { UI_SECURITY_HEADERS } from './security-headers';
import { resolveUiPath } from './ui-path';
import type { UiFile, UiFiles } from './web-ui-files';

export class WebUiRoutes {
  private readonly names: ReadonlySet<string>;

  constructor(
    private readonly basePath: string,
    private readonly files: UiFiles,
  ) {
    this.names = new Set(files.keys());
  }

  readonly middleware = (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const resolved = resolveUiPath(this.basePath, request.url ?? '/', this.names);
    if (resolved.kind === 'pass') return next();
    for (const [name, value] of Object.entries(UI_SECURITY_HEADERS)) response.setHeader(name, value);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return this.plain(response, 405, 'method not allowed');
    }
    if (resolved.kind === 'redirect') {
      response.setHeader('Location', resolved.location);
      return this.plain(response, 308, 'moved');
    }
    if (resolved.kind === 'not-found') return this.plain(response, 404, 'not found');
    const file = this.files.get(resolved.kind === 'index' ? 'index.html' : resolved.file);
    if (file === undefined) return this.plain(response, 404, 'not found');
    this.send(request, response, file);
  };

  private send(request: IncomingMessage, response: ServerResponse, file: UiFile): void {
    response.setHeader('Cache-Control', file.cacheControl);
    response.setHeader('ETag', file.etag);
    if (request.headers['if-none-match'] === file.etag) {
      response.statusCode = 304;
      return void response.end();
    }
    response.statusCode = 200;
    response.setHeader('Content-Type', file.contentType);
    response.setHeader('Content-Length', file.body.length);
    response.end(request.method === 'HEAD' ? undefined : file.body);
  }

  private plain(response: ServerResponse, status: number, text: string): void {
    response.statusCode = status;
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Content-Type', 'text/plain; charset=utf-8');
    response.end(text);
  }
}
