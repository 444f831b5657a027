// List, then watch from the list's resourceVersion, forever: re-watch from the last seen version
// when the server closes the stream, re-list on 410 Gone (as an HTTP status or an ERROR event),
// back off and retry on anything else. One loop per namespace (or one for all namespaces).
import { type PluginLogger, type PodMetadata, UpstreamUnavailableError } from '@tailgate/plugin-sdk';

import { ResourceVersionExpiredError } from './kube-errors';
import type { KubeHttp } from './kube-http';
import { PodListSchema, toPodMetadata, WatchEventSchema } from './pod-schemas';

/** The two calls the loop makes; a KubeHttp, or a scripted fake in tests. */
export type PodTransport = Pick<KubeHttp, 'json' | 'watch'>;

export interface PodSink {
  /** Everything in this loop's namespace (undefined: all) is exactly `pods` now. */
  replace(namespace: string | undefined, pods: readonly PodMetadata[]): void;
  upsert(pod: PodMetadata): void;
  remove(namespace: string, name: string): void;
}

export interface PodListWatchOptions {
  readonly namespace: string | undefined;
  readonly watchTimeoutSeconds: number;
  readonly retryDelayMs: number;
  readonly logger: PluginLogger;
}

export async function runPodListWatch(http: PodTransport, sink: PodSink, signal: AbortSignal, opts: PodListWatchOptions): Promise<void> {
  const base = opts.namespace === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${encodeURIComponent(opts.namespace)}/pods`;
  let resourceVersion: string | undefined;
  while (!signal.aborted) {
    try {
      resourceVersion ??= await listInto(http, base, sink, opts.namespace, signal);
      resourceVersion = await watchInto(http, base, resourceVersion, sink, signal, opts.watchTimeoutSeconds);
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ResourceVersionExpiredError) {
        resourceVersion = undefined;
        continue;
      }
      opts.logger.warn(
        { namespace: opts.namespace ?? '*', err: error instanceof Error ? error.message : 'unknown' },
        'pod watch failed; retrying',
      );
      await delay(opts.retryDelayMs, signal);
    }
  }
}

async function listInto(
  http: PodTransport,
  base: string,
  sink: PodSink,
  namespace: string | undefined,
  signal: AbortSignal,
): Promise<string> {
  const pods: PodMetadata[] = [];
  let next: string | undefined;
  let resourceVersion = '';
  do {
    const query = new URLSearchParams({ limit: '500', ...(next ? { continue: next } : {}) });
    const page = await http.json('GET', `${base}?${query.toString()}`, PodListSchema, undefined, signal);
    pods.push(...page.items.map(toPodMetadata));
    resourceVersion = page.metadata.resourceVersion;
    next = page.metadata.continue || undefined;
  } while (next);
  sink.replace(namespace, pods);
  return resourceVersion;
}

/** Returns the last resourceVersion seen when the server ends the watch cleanly. */
async function watchInto(
  http: PodTransport,
  base: string,
  from: string,
  sink: PodSink,
  signal: AbortSignal,
  timeoutSeconds: number,
): Promise<string> {
  const query = new URLSearchParams({
    watch: '1',
    resourceVersion: from,
    allowWatchBookmarks: 'true',
    timeoutSeconds: String(timeoutSeconds),
  });
  let resourceVersion = from;
  for await (const raw of http.watch(`${base}?${query.toString()}`, signal, (timeoutSeconds + 30) * 1000)) {
    const parsed = WatchEventSchema.safeParse(raw);
    if (!parsed.success) throw new UpstreamUnavailableError('kube-apiserver sent an unexpected pod watch event');
    const event = parsed.data;
    if (event.type === 'ERROR') {
      if (event.object.code === 410) throw new ResourceVersionExpiredError('pod watch: resourceVersion expired');
      throw new UpstreamUnavailableError(`pod watch ended with error ${event.object.code ?? 'unknown'}`);
    }
    resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
    if (event.type === 'BOOKMARK') continue;
    if (event.type === 'DELETED') sink.remove(event.object.metadata.namespace, event.object.metadata.name);
    else sink.upsert(toPodMetadata(event.object));
  }
  return resourceVersion;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
