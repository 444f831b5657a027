// Plain-text HTTP answers, shaped like Go's http.Error.
import type { ServerResponse } from 'node:http';

export function plain(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(body);
}
