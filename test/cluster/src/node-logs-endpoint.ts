// GET /logs/…: the kubelet's system log handler with NodeLogQuery enabled (GA in 1.36),
// as installed in pkg/kubelet/kubelet.go Run: StripPrefix("/logs/") → query mode or file server.
import { createGzip } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { plain } from './http-text';
import { aggregate, parseNodeLogQuery, validateNodeLogQuery } from './node-log-query';
import type { NodeLogs } from './node-logs';

export function serveNodeLogs(logs: NodeLogs, url: URL, req: IncomingMessage, res: ServerResponse): void {
  // http.StripPrefix("/logs/") does not match "/logs": Go's mux answers 404.
  if (!url.pathname.startsWith('/logs/')) return plain(res, 404, '404 page not found\n');
  const rest = decodeURIComponent(url.pathname.slice('/logs/'.length));
  const parsed = parseNodeLogQuery(url.searchParams);
  if (parsed.kind === 'error') return plain(res, 400, `${parsed.message}\n`);
  if (parsed.kind === 'none') return serveFile(logs, rest, res);
  if (rest !== '' && rest !== '/') return plain(res, 406, 'path not allowed in query mode\n');
  const errors = validateNodeLogQuery(parsed.query, (path) => logs.stat(path));
  if (errors.length > 0) return plain(res, 406, `${aggregate(errors)}\n`);
  if (parsed.query.services.length === 0) return serveFile(logs, parsed.query.files[0] ?? '', res);
  const body = logs.answer(parsed.query);
  if (req.headers['accept-encoding'] === 'gzip') {
    res.writeHead(200, { 'content-type': 'text/plain;charset=UTF-8', 'content-encoding': 'gzip' });
    const gz = createGzip();
    gz.pipe(res);
    gz.end(body);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain;charset=UTF-8' });
  res.end(body);
}

// http.FileServer(http.Dir("/var/log")) over the stand-in's files: contents, or a directory listing.
function serveFile(logs: NodeLogs, path: string, res: ServerResponse): void {
  const clean = path.replace(/^\/+/, '');
  const content = clean === '' ? undefined : logs.readFile(clean);
  if (content !== undefined) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(content);
    return;
  }
  const names = logs.list(clean);
  if (names === undefined) return plain(res, 404, '404 page not found\n');
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    `<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n${names.map((n) => `<a href="${n}">${n}</a>`).join('\n')}\n</pre>\n`,
  );
}
