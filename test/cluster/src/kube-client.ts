// A small HTTPS JSON client for the test apiserver: just enough for fixtures and smoke tests.
// Test-only code; the product talks to Kubernetes through its own client.
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { WatchEvent } from './kube-types';

export interface KubeCredentials {
  /** https://127.0.0.1:PORT */
  readonly server: string;
  /** PEM of the cluster CA. */
  readonly ca: string;
  readonly token: string;
}

export interface KubeResponse {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly text: string;
}

/** A Kubernetes `Status` object as returned with an error response. */
export interface KubeStatus {
  readonly kind?: string;
  readonly status?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
}

export class KubeApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: KubeStatus | string,
  ) {
    super(`${method} ${path} → ${status}: ${typeof body === 'string' ? body : (body.message ?? JSON.stringify(body))}`);
    this.name = 'KubeApiError';
  }
}

export type PatchType = 'merge' | 'strategic' | 'json';

const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
};

export interface RequestInit {
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
}

export class KubeClient {
  constructor(readonly credentials: KubeCredentials) {}

  /** The same server and CA, authenticated with another bearer token. */
  as(token: string): KubeClient {
    return new KubeClient({ ...this.credentials, token });
  }

  /** Sends a request and returns the response as an open stream (for follow=true and other long reads). */
  open(method: string, path: string, init: RequestInit = {}): Promise<IncomingMessage> {
    const url = new URL(path, this.credentials.server);
    const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
    const options: RequestOptions = {
      method,
      host: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      ca: this.credentials.ca,
      headers: {
        authorization: `Bearer ${this.credentials.token}`,
        accept: 'application/json, */*',
        ...(payload === undefined
          ? {}
          : { 'content-type': init.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload) }),
        ...init.headers,
      },
      ...(init.signal === undefined ? {} : { signal: init.signal }),
    };
    return new Promise((resolve, reject) => {
      const req = httpsRequest(options, resolve);
      // Kept for the request's whole life: an abort after the response arrived must not go unhandled.
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Sends a request and reads the whole body, whatever the status. */
  async raw(method: string, path: string, init: RequestInit = {}): Promise<KubeResponse> {
    for (let attempt = 1; ; attempt++) {
      const res = await this.open(method, path, init);
      const response = { status: res.statusCode ?? 0, headers: res.headers, text: await readAll(res) };
      // Go's HTTP server (not the apiserver) refused the request before any handler saw it: seen
      // rarely on a reused connection; nothing was done, so it is sent once more.
      if (response.status !== 400 || !response.text.startsWith('400 Bad Request') || attempt === 2) return response;
    }
  }

  /** Sends a JSON request; a non-2xx answer throws KubeApiError carrying the Status. */
  async json<T>(method: string, path: string, init: RequestInit = {}): Promise<T> {
    const res = await this.raw(method, path, init);
    if (res.status < 200 || res.status > 299) throw new KubeApiError(method, path, res.status, parseStatus(res.text));
    return JSON.parse(res.text) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  create<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('POST', path, { body });
  }

  replace<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>('PUT', path, { body });
  }

  patch<T>(path: string, body: unknown, type: PatchType = 'merge'): Promise<T> {
    return this.json<T>('PATCH', path, { body, contentType: PATCH_CONTENT_TYPE[type] });
  }

  delete<T>(path: string, body?: unknown): Promise<T> {
    return this.json<T>('DELETE', path, body === undefined ? {} : { body });
  }

  /**
   * Watches `collectionPath` (e.g. `/apis/apiextensions.k8s.io/v1/customresourcedefinitions`) for
   * the object `name` and resolves with it once `predicate` holds. The first event of a watch
   * without resourceVersion replays the current state, so an already-true condition resolves too.
   */
  async watchUntil<T extends { metadata: { name: string } }>(
    collectionPath: string,
    name: string,
    predicate: (object: T) => boolean,
    timeoutMs = 30_000,
  ): Promise<T> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    const query = `watch=1&fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`;
    try {
      const res = await this.open('GET', `${collectionPath}?${query}`, { signal: abort.signal });
      if (res.statusCode !== 200) throw new KubeApiError('WATCH', collectionPath, res.statusCode ?? 0, parseStatus(await readAll(res)));
      let buffered = '';
      for await (const chunk of res) {
        buffered += (chunk as Buffer).toString('utf8');
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const event = JSON.parse(buffered.slice(0, newline)) as WatchEvent<T>;
          buffered = buffered.slice(newline + 1);
          if (event.type !== 'ERROR' && event.type !== 'BOOKMARK' && predicate(event.object)) return event.object;
        }
      }
      throw new Error(`watch of ${collectionPath}/${name} ended before the condition held`);
    } catch (error) {
      if (abort.signal.aborted) throw new Error(`timed out after ${timeoutMs} ms waiting for ${collectionPath}/${name}`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseStatus(text: string): KubeStatus | string {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : text;
  } catch {
    return text;
  }
}

/** Reads a stream to its end as UTF-8. */
export async function readAll(stream: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}
