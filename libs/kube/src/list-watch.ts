// List, then watch from the list's resourceVersion, forever: re-watch from the last seen version
// when the server closes the stream, re-list on 410 Gone (as an HTTP status or an ERROR event),
// back off and retry on anything else. Generic over the object kind; one loop per path.
import { type PluginLogger, UpstreamUnavailableError } from '@tailgate/plugin-sdk';
import { z, type ZodType } from 'zod';

import { ResourceVersionExpiredError } from './kube-errors';
import type { KubeHttp } from './kube-http';

/** The two calls the loop makes; a KubeHttp, or a scripted fake in tests. */
export type ListWatchTransport = Pick<KubeHttp, 'json' | 'watch'>;

export interface WatchedObject {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly resourceVersion?: string };
}

export interface ListWatchSink<T> {
  /** Everything the path selects is exactly `items` now (after every list, the first and re-lists). */
  replace(items: readonly T[]): void;
  upsert(item: T): void;
  remove(item: T): void;
}

export interface ListWatchOptions<T> {
  /** Collection path, e.g. `/api/v1/namespaces/ns/pods`. */
  readonly path: string;
  /** Extra list/watch parameters: `labelSelector`, `fieldSelector`. */
  readonly params?: Readonly<Record<string, string>>;
  readonly schema: ZodType<T>;
  readonly watchTimeoutSeconds: number;
  readonly retryDelayMs: number;
  readonly logger: PluginLogger;
  /** For log lines: what is watched, e.g. `pods in ns`. */
  readonly what: string;
}

export async function runListWatch<T extends WatchedObject>(
  http: ListWatchTransport,
  sink: ListWatchSink<T>,
  signal: AbortSignal,
  opts: ListWatchOptions<T>,
): Promise<void> {
  let resourceVersion: string | undefined;
  let failures = 0;
  while (!signal.aborted) {
    try {
      resourceVersion ??= await listInto(http, sink, signal, opts);
      resourceVersion = await watchInto(http, resourceVersion, sink, signal, opts);
      failures = 0;
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof ResourceVersionExpiredError) {
        resourceVersion = undefined;
        continue;
      }
      failures++;
      opts.logger.warn({ watching: opts.what, err: error instanceof Error ? error.message : 'unknown' }, 'watch failed; retrying');
      await delay(Math.min(opts.retryDelayMs * 2 ** Math.min(failures - 1, 5), 30_000), signal);
    }
  }
}

async function listInto<T extends WatchedObject>(
  http: ListWatchTransport,
  sink: ListWatchSink<T>,
  signal: AbortSignal,
  opts: ListWatchOptions<T>,
): Promise<string> {
  const schema = z.object({
    metadata: z.object({ resourceVersion: z.string(), continue: z.string().optional() }),
    items: z.array(opts.schema),
  });
  const items: T[] = [];
  let next: string | undefined;
  let resourceVersion = '';
  do {
    const query = new URLSearchParams({ ...opts.params, limit: '500', ...(next ? { continue: next } : {}) });
    const page = await http.json('GET', `${opts.path}?${query.toString()}`, schema, undefined, signal);
    items.push(...page.items);
    resourceVersion = page.metadata.resourceVersion;
    next = page.metadata.continue || undefined;
  } while (next);
  sink.replace(items);
  return resourceVersion;
}

const WatchEnvelopeSchema = z.object({ type: z.enum(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']), object: z.unknown() });
const BookmarkSchema = z.object({ metadata: z.object({ resourceVersion: z.string() }) });
const StatusSchema = z.object({ code: z.number().optional() });

/** Returns the last resourceVersion seen when the server ends the watch cleanly. */
async function watchInto<T extends WatchedObject>(
  http: ListWatchTransport,
  from: string,
  sink: ListWatchSink<T>,
  signal: AbortSignal,
  opts: ListWatchOptions<T>,
): Promise<string> {
  const query = new URLSearchParams({
    ...opts.params,
    watch: '1',
    resourceVersion: from,
    allowWatchBookmarks: 'true',
    timeoutSeconds: String(opts.watchTimeoutSeconds),
  });
  let resourceVersion = from;
  const unexpected = () => new UpstreamUnavailableError(`kube-apiserver sent an unexpected watch event for ${opts.what}`);
  for await (const raw of http.watch(`${opts.path}?${query.toString()}`, signal, (opts.watchTimeoutSeconds + 30) * 1000)) {
    const envelope = WatchEnvelopeSchema.safeParse(raw);
    if (!envelope.success) throw unexpected();
    const { type, object } = envelope.data;
    if (type === 'ERROR') {
      const code = StatusSchema.safeParse(object).data?.code;
      if (code === 410) throw new ResourceVersionExpiredError(`watch of ${opts.what}: resourceVersion expired`);
      throw new UpstreamUnavailableError(`watch of ${opts.what} ended with error ${code ?? 'unknown'}`);
    }
    if (type === 'BOOKMARK') {
      const bookmark = BookmarkSchema.safeParse(object);
      if (!bookmark.success) throw unexpected();
      resourceVersion = bookmark.data.metadata.resourceVersion;
      continue;
    }
    const parsed = opts.schema.safeParse(object);
    if (!parsed.success) throw unexpected();
    resourceVersion = parsed.data.metadata.resourceVersion ?? resourceVersion;
    if (type === 'DELETED') sink.remove(parsed.data);
    else sink.upsert(parsed.data);
  }
  return resourceVersion;
}

export function delay(ms: number, signal: AbortSignal): Promise<void> {
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
