// A small HTTPS client for kube-apiserver. Chosen over client-node's generated APIs because we
// need: error bodies kept away from callers, an inactivity timeout on watches (1.4.0 has none),
// 410 Gone seen as such, AbortSignal everywhere, and no ESM-only import on the request path.
import { request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';

import { UpstreamUnavailableError } from '@tailgate/plugin-sdk';
import type { ZodType } from 'zod';

import type { KubeEndpoint } from './kube-connection';
import { errorForNetwork, errorForStatus } from './kube-errors';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * The answer to a streaming GET: the open body on 2xx, else the Status the apiserver sent. The
 * status `message` is for classifying the failure in code (pods/log answers 400 for several
 * reasons); never put it in a client's error or our logs: it can quote names from the request.
 */
export type KubeStreamResponse =
  | { readonly ok: true; readonly status: number; readonly body: IncomingMessage }
  | { readonly ok: false; readonly status: number; readonly reason?: string; readonly message?: string };

/** One operation of a JSON Patch (RFC 6902): the ones Tailgate sends. */
export type JsonPatchOperation =
  | { readonly op: 'add' | 'replace' | 'test'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string };

export interface KubeHttpOptions {
  /** Deadline of one non-watch request. Default 10 s. */
  readonly requestTimeoutMs?: number;
}

export class KubeHttp {
  private readonly requestTimeoutMs: number;

  constructor(
    private readonly endpoint: KubeEndpoint,
    options: KubeHttpOptions = {},
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  /** Sends JSON, parses the answer with `schema`; any failure is an SDK error with a code. */
  json<T>(method: string, path: string, schema: ZodType<T>, body?: unknown, signal?: AbortSignal): Promise<T> {
    return this.send(method, path, schema, body, 'application/json', signal);
  }

  /**
   * Applies a JSON Patch (RFC 6902) and parses the patched object with `schema`. The apiserver
   * applies it to the object as it is now, so `test` operations make it a compare-and-set: a
   * failed test is answered 422 (InputError), which the caller resolves by reading again.
   */
  patch<T>(path: string, operations: readonly JsonPatchOperation[], schema: ZodType<T>, signal?: AbortSignal): Promise<T> {
    return this.send('PATCH', path, schema, operations, 'application/json-patch+json', signal);
  }

  private async send<T>(
    method: string,
    path: string,
    schema: ZodType<T>,
    body: unknown,
    contentType: string,
    signal?: AbortSignal,
  ): Promise<T> {
    const what = `${method} ${path.split('?')[0] ?? path}`;
    const deadline = AbortSignal.timeout(this.requestTimeoutMs);
    const res = await this.open(
      method,
      path,
      what,
      signal ? AbortSignal.any([signal, deadline]) : deadline,
      body,
      'application/json',
      contentType,
    );
    const text = await readBody(res, what);
    if (res.statusCode === undefined || res.statusCode < 200 || res.statusCode > 299) throw errorForStatus(res.statusCode ?? 0, what);
    const parsed = schema.safeParse(safeJson(text));
    if (!parsed.success) throw new UpstreamUnavailableError(`kube-apiserver gave an unexpected answer to ${what}`);
    return parsed.data;
  }

  /** A watch stream as parsed JSON events; ends when the server closes, throws on errors and after `idleMs` of silence. */
  async *watch(path: string, signal: AbortSignal, idleMs: number): AsyncGenerator<unknown> {
    const what = `WATCH ${path.split('?')[0] ?? path}`;
    const idle = new AbortController();
    const res = await this.open('GET', path, what, AbortSignal.any([signal, idle.signal]));
    if (res.statusCode !== 200) {
      res.resume();
      throw errorForStatus(res.statusCode ?? 0, what);
    }
    let timer = setTimeout(() => idle.abort(), idleMs);
    try {
      for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
        clearTimeout(timer);
        timer = setTimeout(() => idle.abort(), idleMs);
        if (line.trim() !== '') yield safeJson(line);
      }
    } catch (error) {
      throw errorForNetwork(error, what);
    } finally {
      clearTimeout(timer);
      res.destroy();
    }
  }

  /**
   * A long-running GET (pods/log, nodes/proxy): resolves once the headers are in. Network
   * failures throw coded errors; HTTP failures are answered, with the apiserver's Status read
   * from the first 16 KiB of the body. Aborting `signal` destroys the body.
   */
  async stream(path: string, signal: AbortSignal): Promise<KubeStreamResponse> {
    const what = `GET ${path.split('?')[0] ?? path}`;
    const res = await this.open('GET', path, what, signal, undefined, 'text/plain, */*');
    const status = res.statusCode ?? 0;
    if (status >= 200 && status <= 299) {
      res.socket?.setKeepAlive(true, 30_000);
      // Readers see errors through iteration; an abort after they stopped reading must not go unhandled.
      res.on('error', () => undefined);
      return { ok: true, status, body: res };
    }
    const text = await readBody(res, what, 16 * 1024).catch(() => '');
    const parsed = safeJson(text) as { reason?: unknown; message?: unknown } | undefined;
    const reason = typeof parsed?.reason === 'string' ? parsed.reason : undefined;
    const message = typeof parsed?.message === 'string' ? parsed.message : text.slice(0, 1024);
    return { ok: false, status, ...(reason === undefined ? {} : { reason }), message };
  }

  private async open(
    method: string,
    path: string,
    what: string,
    signal: AbortSignal,
    body?: unknown,
    accept = 'application/json',
    contentType = 'application/json',
  ): Promise<IncomingMessage> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const url = new URL(path, this.endpoint.server);
    const options: RequestOptions = {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      headers: { accept, ...(payload ? { 'content-type': contentType, 'content-length': payload.length } : {}) },
      signal,
    };
    await this.endpoint.authorize(options);
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(options, resolve);
      req.on('error', (error) => reject(errorForNetwork(error, what)));
      req.end(payload);
    });
  }
}

async function readBody(res: IncomingMessage, what: string, maxBytes = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > maxBytes) throw new UpstreamUnavailableError(`answer to ${what} exceeds ${maxBytes} bytes`);
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof UpstreamUnavailableError) throw error;
    throw errorForNetwork(error, what);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
