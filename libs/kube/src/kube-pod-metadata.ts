// Pod metadata from a list+watch of pods: `get()` waits (bounded) for the first list of the
// pod's namespace, then answers from memory. Labels come only from the apiserver's pod objects.
import { type PluginLogger, type PodMetadata, type PodMetadataService, silentLogger, UpstreamUnavailableError } from '@tailgate/plugin-sdk';

import { type PodSink, type PodTransport, runPodListWatch } from './pod-list-watch';

export interface KubePodMetadataOptions {
  /** Namespaces to watch; empty or undefined: all namespaces (one cluster-wide watch). */
  readonly namespaces?: readonly string[];
  /** How long `get()` waits for the first list before failing. Default 10 s. */
  readonly initialSyncTimeoutMs?: number;
  /** Server-side watch timeout; the watch is re-opened from the last version after it. Default 300 s. */
  readonly watchTimeoutSeconds?: number;
  /** Pause before retrying after an error other than 410 Gone. Default 1 s. */
  readonly retryDelayMs?: number;
  readonly logger?: PluginLogger;
}

export type PodChange =
  /** `relisted`: listed before; a first list changes nothing anyone could have looked up (`get()` waits for it). */
  | { readonly type: 'synced'; readonly namespace: string | undefined; readonly relisted: boolean }
  /** `previous`: what the cache held for this pod before; undefined for a pod it did not know. */
  | { readonly type: 'upsert'; readonly pod: PodMetadata; readonly previous: PodMetadata | undefined }
  | { readonly type: 'delete'; readonly namespace: string; readonly name: string };

export class KubePodMetadata implements PodMetadataService {
  private readonly pods = new Map<string, PodMetadata>();
  private readonly synced = new Map<string | undefined, Promise<void>>();
  private readonly listeners = new Set<(change: PodChange) => void>();
  private readonly scopes: readonly (string | undefined)[];
  private controller: AbortController | undefined;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly http: PodTransport,
    private readonly options: KubePodMetadataOptions = {},
  ) {
    this.scopes = options.namespaces?.length ? [...new Set(options.namespaces)] : [undefined];
  }

  /** Starts the list+watch loops; idempotent. `get()` starts them too. */
  start(): void {
    if (this.controller) return;
    const controller = (this.controller = new AbortController());
    for (const namespace of this.scopes) this.startScope(namespace, controller.signal);
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await Promise.all(this.loops);
  }

  async get(namespace: string, pod: string): Promise<PodMetadata | undefined> {
    const scope = this.scopes.includes(undefined) ? undefined : namespace;
    if (scope !== undefined && !this.scopes.includes(scope)) return undefined;
    this.start();
    await this.waitForSync(scope);
    return this.pods.get(`${namespace}/${pod}`);
  }

  /** Every pod of the watched namespaces, once each has been listed. */
  async list(): Promise<readonly PodMetadata[]> {
    this.start();
    await Promise.all(this.scopes.map((scope) => this.waitForSync(scope)));
    return [...this.pods.values()];
  }

  /** Resolves once every watched namespace has been listed once. */
  async ready(): Promise<void> {
    this.start();
    await Promise.all(this.scopes.map((scope) => this.waitForSync(scope)));
  }

  /** Observes every change applied to the cache (tests, metrics); returns the unsubscribe. */
  onChange(listener: (change: PodChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private startScope(namespace: string | undefined, signal: AbortSignal): void {
    let markSynced!: () => void;
    this.synced.set(namespace, new Promise<void>((resolve) => (markSynced = resolve)));
    const sink = this.sinkFor(markSynced);
    const { watchTimeoutSeconds = 300, retryDelayMs = 1_000, logger = silentLogger } = this.options;
    this.loops.push(runPodListWatch(this.http, sink, signal, { namespace, watchTimeoutSeconds, retryDelayMs, logger }));
  }

  private sinkFor(markSynced: () => void): PodSink {
    let relisted = false;
    return {
      replace: (namespace, pods) => {
        for (const [key, pod] of this.pods) if (namespace === undefined || pod.namespace === namespace) this.pods.delete(key);
        for (const pod of pods) this.pods.set(`${pod.namespace}/${pod.name}`, pod);
        markSynced();
        this.emit({ type: 'synced', namespace, relisted });
        relisted = true;
      },
      upsert: (pod) => {
        const key = `${pod.namespace}/${pod.name}`;
        const previous = this.pods.get(key);
        this.pods.set(key, pod);
        this.emit({ type: 'upsert', pod, previous });
      },
      remove: (namespace, name) => {
        this.pods.delete(`${namespace}/${name}`);
        this.emit({ type: 'delete', namespace, name });
      },
    };
  }

  private async waitForSync(scope: string | undefined): Promise<void> {
    const synced = this.synced.get(scope);
    if (!synced) throw new UpstreamUnavailableError('pod metadata is not watching this namespace');
    const timeoutMs = this.options.initialSyncTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new UpstreamUnavailableError(`pod metadata not listed within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([synced, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private emit(change: PodChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
