// The `kube-pod-logs.pods` source: container logs through the apiserver's pods/log, as
// `kubectl logs` and stern read them, with one shared upstream request per container.
import type { KubeTransport } from '@tailgate/kube';
import type { Backlog, BacklogOptions, LogSource, PluginLogger, SourceEvent, StreamContext } from '@tailgate/plugin-sdk';

import { FollowerPool } from './follower-pool';
import type { KubePodLogsConfig } from './kube-pod-logs-config';
import { type PodLogsSelector, PodLogsSelectorSchema, podLogsScope, podLogsStreamKey } from './pod-logs-selector';
import { readSnapshot } from './pod-logs-snapshot';
import { openPodLogsStream } from './pod-logs-stream';

export class KubePodLogsSource implements LogSource<PodLogsSelector> {
  readonly name = 'pods';
  readonly description = 'Container logs through the Kubernetes API (pods/log): by name, pattern, labels, fields, node or workload.';
  readonly selector;
  readonly resumable = true;
  readonly pool: FollowerPool;

  constructor(
    private readonly transport: KubeTransport,
    private readonly config: KubePodLogsConfig,
    logger: PluginLogger,
  ) {
    this.pool = new FollowerPool(transport, { ...config, logger });
    this.selector = withDefaultNamespaces(config.namespaces);
  }

  streamKey(selector: PodLogsSelector): string {
    return podLogsStreamKey(selector);
  }

  scope(selector: PodLogsSelector) {
    return podLogsScope(selector);
  }

  async backlog(selector: PodLogsSelector, options: BacklogOptions, ctx: StreamContext): Promise<Backlog> {
    return readSnapshot(selector, options, this.transport, this.snapshotOptions(), ctx.signal);
  }

  open(selector: PodLogsSelector, ctx: StreamContext): AsyncIterable<SourceEvent> {
    if (selector.previous) return this.openPrevious(selector, ctx);
    return openPodLogsStream(selector, this.transport, this.pool, this.config, ctx.signal, ctx.logger);
  }

  /** The previous instances: read once, each target ends as `completed`, then the stream ends. */
  private async *openPrevious(selector: PodLogsSelector, ctx: StreamContext): AsyncGenerator<SourceEvent> {
    try {
      const { targets, pages } = await readSnapshot(selector, {}, this.transport, this.snapshotOptions(), ctx.signal);
      for (const target of targets) yield { type: 'target', op: 'added', target };
      for await (const records of pages) yield { type: 'records', records };
      for (const target of targets) yield { type: 'target', op: 'removed', target, reason: 'completed' };
    } catch (error) {
      // Aborted: nobody listens any more; the read's failure is the abort.
      if (!ctx.signal.aborted) throw error;
    }
  }

  private snapshotOptions() {
    const { backlogConcurrency, maxLineBytes, maxBatchRecords } = this.config;
    return { concurrency: backlogConcurrency, maxLineBytes, maxBatchRecords };
  }
}

/**
 * "Every namespace" means the configured ones when there are some (desktop mode: those the
 * kubeconfig user may read) — decided once, where the selector is parsed, so the stream key, the
 * access scope and every request agree.
 */
function withDefaultNamespaces(namespaces: readonly string[]) {
  if (namespaces.length === 0) return PodLogsSelectorSchema;
  const sorted = [...new Set(namespaces)].sort();
  return PodLogsSelectorSchema.transform((selector): PodLogsSelector =>
    selector.namespaces === undefined ? { namespaces: sorted, ...selector } : selector,
  );
}
