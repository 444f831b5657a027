// The plugins' HTTP endpoints on the gateway's port (PluginHttp): a request under
// `<server.basePath>/plugins/<pluginId>/` goes to that plugin's handler with its raw body, unread; the handler's
// answer goes back as JSON. A body the handler did not read to the end closes the connection, so
// an unread upload is never drained into memory or left on a kept-alive socket.
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { PluginHttp, PluginHttpHandler, PluginHttpRequest, PluginHttpResponse } from '@tailgate/plugin-sdk';
import type { Counter } from 'prom-client';

import { errorName } from '../model/error-name';
import type { PluginLogger } from '@tailgate/plugin-sdk';

const PLUGIN_ID = /^[a-z][a-z0-9-]{1,62}$/;

export class PluginHttpRoutes implements PluginHttp {
  private readonly handlers = new Map<string, PluginHttpHandler>();
  private readonly prefix: string;

  constructor(
    private readonly requests: Counter<'plugin' | 'status'>,
    private readonly logger: PluginLogger,
    basePath = '/',
  ) {
    this.prefix = `${basePath === '/' ? '' : basePath}/plugins/`;
  }

  mount(pluginId: string, handler: PluginHttpHandler): void {
    if (!PLUGIN_ID.test(pluginId)) throw new TypeError(`invalid plugin id '${pluginId}'`);
    if (this.handlers.has(pluginId)) throw new Error(`plugin ${pluginId} already serves HTTP`);
    this.handlers.set(pluginId, handler);
  }

  /** Express-style middleware: serves `<basePath>/plugins/<id>/…` of mounted plugins, passes on the rest. */
  readonly middleware = (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const url = request.url ?? '/';
    if (!url.startsWith(this.prefix)) return next();
    const path = url.slice(this.prefix.length).split('?', 1)[0] ?? '';
    const slash = path.indexOf('/');
    const pluginId = slash === -1 ? path : path.slice(0, slash);
    const handler = this.handlers.get(pluginId);
    if (!handler)
      return void this.answer(request, response, 'unknown', {
        status: 404,
        body: { code: 'not_found', reason: 'no such plugin endpoint' },
      });
    void this.serve(handler, pluginId, slash === -1 ? '/' : path.slice(slash), request, response);
  };

  private async serve(
    handler: PluginHttpHandler,
    pluginId: string,
    path: string,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const aborted = new AbortController();
    const onClose = () => {
      if (!response.writableEnded) aborted.abort();
    };
    response.on('close', onClose);
    let answer: PluginHttpResponse;
    try {
      answer = await handler(toPluginRequest(request, path, aborted.signal));
    } catch (error) {
      this.logger.error({ plugin: pluginId, err: errorName(error) }, 'plugin HTTP handler failed');
      answer = { status: 500, body: { code: 'internal', reason: 'the endpoint failed' } };
    } finally {
      response.off('close', onClose);
    }
    this.answer(request, response, pluginId, answer);
  }

  private answer(request: IncomingMessage, response: ServerResponse, plugin: string, answer: PluginHttpResponse): void {
    this.requests.inc({ plugin, status: String(answer.status) });
    if (response.destroyed || response.writableEnded) return;
    const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
    response.statusCode = answer.status;
    for (const [name, value] of Object.entries(answer.headers ?? {})) response.setHeader(name, value);
    if (body !== '') response.setHeader('content-type', 'application/json; charset=utf-8');
    response.setHeader('content-length', Buffer.byteLength(body));
    // An unread (refused) body would otherwise be read off a kept-alive connection after the answer.
    if (!request.complete) response.setHeader('connection', 'close');
    response.end(body, () => {
      if (!request.complete) request.destroy();
    });
  }
}

function toPluginRequest(request: IncomingMessage, path: string, signal: AbortSignal): PluginHttpRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return { method: request.method ?? 'GET', path, headers, body: request, signal };
}
