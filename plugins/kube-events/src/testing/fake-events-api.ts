// A stand-in for the apiserver's events.k8s.io/v1 list and watch, for unit specs and the
// conformance kit: Events kept in memory, listed per namespace (with the field selectors the source
// sends), watched from the moment of the watch request, and every request in flight counted.
import type { KubeTransport } from '@tailgate/kube';
import type { ZodType } from 'zod';

export interface FakeEventOptions {
  readonly namespace: string;
  readonly name?: string;
  readonly uid?: string;
  readonly regarding: { readonly kind: string; readonly name: string; readonly apiVersion?: string; readonly namespace?: string };
  readonly type?: 'Normal' | 'Warning';
  readonly reason?: string;
  readonly note?: string;
  readonly eventTime?: Date;
  readonly series?: { readonly count: number; readonly lastObservedTime: Date };
}

/** An events.k8s.io/v1 Event as the apiserver serves it. */
export function fakeEvent(options: FakeEventOptions): Record<string, unknown> {
  const eventTime = options.eventTime ?? new Date();
  const micro = (date: Date) => date.toISOString().replace('Z', '000Z');
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: {
      name: options.name ?? `${options.regarding.name}.${(BigInt(eventTime.getTime()) * 1_000_000n).toString(16)}`,
      namespace: options.namespace,
      uid: options.uid ?? crypto.randomUUID(),
      resourceVersion: '1',
      creationTimestamp: eventTime.toISOString().replace(/\.\d+Z$/, 'Z'),
    },
    eventTime: micro(eventTime),
    reportingController: 'tailgate.test/fake',
    reportingInstance: 'fake-1',
    action: 'Testing',
    reason: options.reason ?? 'Test',
    regarding: { apiVersion: 'v1', namespace: options.namespace, ...options.regarding },
    note: options.note ?? '',
    type: options.type ?? 'Normal',
    ...(options.series ? { series: { count: options.series.count, lastObservedTime: micro(options.series.lastObservedTime) } } : {}),
  };
}

interface Watcher {
  readonly namespace: string;
  readonly fieldSelector: string | undefined;
  readonly pending: unknown[];
  wake?: () => void;
}

type StoredEvent = Record<string, unknown> & { metadata: { namespace: string; uid: string; resourceVersion: string } };

export class FakeEventsApi implements Pick<KubeTransport, 'json' | 'watch'> {
  private readonly stored = new Map<string, StoredEvent>();
  private readonly watchers = new Set<Watcher>();
  private version = 1;
  private inFlight = 0;
  /** Lists answered so far. */
  lists = 0;

  /** Watches open now: Events put from now on reach the source's live stream. */
  get watching(): number {
    return this.watchers.size;
  }

  /** Requests in flight and watches open now. */
  get openRequests(): number {
    return this.inFlight;
  }

  /** Creates or updates an Event (by uid) and tells the watches. */
  put(event: Record<string, unknown>): void {
    const stored = structuredClone(event) as StoredEvent;
    const existed = this.stored.has(stored.metadata.uid);
    stored.metadata.resourceVersion = String(++this.version);
    this.stored.set(stored.metadata.uid, stored);
    this.notify(existed ? 'MODIFIED' : 'ADDED', stored);
  }

  delete(uid: string): void {
    const stored = this.stored.get(uid);
    if (stored === undefined) return;
    this.stored.delete(uid);
    stored.metadata.resourceVersion = String(++this.version);
    this.notify('DELETED', stored);
  }

  /** Ends every open watch with 410 Gone, as an apiserver whose watch cache moved on: the source re-lists. */
  expireWatches(): void {
    for (const watcher of this.watchers) {
      watcher.pending.push({ type: 'ERROR', object: { kind: 'Status', code: 410 } });
      watcher.wake?.();
    }
  }

  async json<T>(method: string, path: string, schema: ZodType<T>, _body?: unknown, signal?: AbortSignal): Promise<T> {
    this.inFlight++;
    try {
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      const { namespace, fieldSelector } = parsePath(path);
      if (method !== 'GET') throw new Error(`unexpected ${method}`);
      const items = [...this.stored.values()].filter((e) => e.metadata.namespace === namespace && matches(e, fieldSelector));
      this.lists++;
      return schema.parse({ metadata: { resourceVersion: String(this.version) }, items: structuredClone(items) });
    } finally {
      this.inFlight--;
    }
  }

  async *watch(path: string, signal: AbortSignal): AsyncGenerator<unknown> {
    const { namespace, fieldSelector } = parsePath(path);
    const watcher: Watcher = { namespace, fieldSelector, pending: [] };
    this.watchers.add(watcher);
    this.inFlight++;
    const onAbort = () => watcher.wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      while (!signal.aborted) {
        const next = watcher.pending.shift();
        if (next === undefined) {
          await new Promise<void>((resolve) => (watcher.wake = resolve));
          continue;
        }
        yield next;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.watchers.delete(watcher);
      this.inFlight--;
    }
  }

  private notify(type: string, event: StoredEvent): void {
    for (const watcher of this.watchers) {
      if (watcher.namespace !== event.metadata.namespace || !matches(event, watcher.fieldSelector)) continue;
      watcher.pending.push({ type, object: structuredClone(event) });
      watcher.wake?.();
    }
  }
}

function parsePath(path: string): { namespace: string; fieldSelector: string | undefined } {
  const url = new URL(path, 'https://apiserver.invalid');
  const match = /^\/apis\/events\.k8s\.io\/v1\/namespaces\/([^/]+)\/events$/.exec(url.pathname);
  if (match === null) throw new Error(`unexpected path ${url.pathname}`);
  return { namespace: match[1] as string, fieldSelector: url.searchParams.get('fieldSelector') ?? undefined };
}

/** The field labels the source uses: regarding.kind, regarding.name, type, reason (`=` only). */
function matches(event: StoredEvent, fieldSelector: string | undefined): boolean {
  if (fieldSelector === undefined) return true;
  const regarding = (event.regarding ?? {}) as Record<string, unknown>;
  const fields: Record<string, unknown> = {
    'regarding.kind': regarding.kind,
    'regarding.name': regarding.name,
    type: event.type,
    reason: event.reason,
  };
  return fieldSelector.split(',').every((term) => {
    const [field, value] = term.split('=');
    return field !== undefined && fields[field] === value;
  });
}
