// Serves a PluginHttpHandler from a node:http server, the way the gateway hosts plugin endpoints:
// lower-case headers with repeats joined, the body as the raw (still compressed) stream, a signal
// that aborts when the client goes away, a thrown error answered 500 with no detail.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

import type { PluginHttpHandler, PluginHttpRequest, PluginHttpResponse } from '@tailgate/plugin-sdk';

export function toPluginHttpRequest(message: IncomingMessage): PluginHttpRequest {
  const controller = new AbortController();
  message.once('close', () => {
    if (!message.complete) controller.abort(new Error('the client went away before the body ended'));
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: message.method ?? 'GET',
    path: new URL(message.url ?? '/', 'http://localhost').pathname,
    headers,
    body: message,
    signal: controller.signal,
  };
}

export function sendPluginHttpResponse(response: ServerResponse, message: IncomingMessage, answer: PluginHttpResponse): void {
  // A body the handler refused to read to the end must not be drained: close the connection.
  const extra: Record<string, string> = message.complete ? {} : { connection: 'close' };
  if (answer.body === undefined) {
    response.writeHead(answer.status, { ...answer.headers, ...extra }).end();
    return;
  }
  response.writeHead(answer.status, { ...answer.headers, ...extra, 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
}

/** A request listener running `handler` for every request. */
export function pluginHttpListener(handler: PluginHttpHandler): RequestListener {
  return (message, response) => {
    handler(toPluginHttpRequest(message)).then(
      (answer) => sendPluginHttpResponse(response, message, answer),
      () => sendPluginHttpResponse(response, message, { status: 500 }),
    );
  };
}
