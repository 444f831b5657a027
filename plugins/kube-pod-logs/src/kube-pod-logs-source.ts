// The `kube-pod-logs.pods` source: container logs through the apiserver's pods/log, as
// `kubectl logs` and stern read them, with one shared upstream request per container.
import type { KubeTransport } from '@tailgate/kube';
import type { Backlog, BacklogOptions, LogSource, PluginLogger, SourceEvent, StreamContext } from '@tailgate/plugin-sdk';

import { FollowerPool } from './follower-pool';
import type { KubePodLogsConfig } from './kube-pod-logs-config';
import { type PodLogsSelector, PodLogsSelectorSchema, podLogsScope, podLogsStreamKey } from './pod-logs-selector';
import { readSnapshot } from './pod-logs-snapshot';
import { openPodLogsStream } from './pod-logs-stream';
import { SourceEventQueue } from './source-event-queue';

export class KubePodLogsSource implements LogSource<PodLogsSelector> {
  readonly name = 'pods';
  readonly description = 'Container logs through the Kubernetes API (pods/log): by name, pattern, labels, fields, node or workload.';
  readonly selector = PodLogsSelectorSchema;
  readonly resumable = true;
  readonly pool: FollowerPool;

  constructor(
    private readonly transport: KubeTransport,
    private readonly config: KubePodLogsConfig,
    logger: PluginLogger,
  ) {
    this.pool = new FollowerPool(transport, { ...config, logger });
  }

  streamKey(selector: PodLogsSelector): string {
    return podLogsStreamKey(selector);
  }

  scope(selector: PodLogsSelector) {
    return podLogsScope(selector);
  }

  async backlog(selector: PodLogsSelector, options: BacklogOptions, ctx: StreamContext): Promise<Backlog> {
    return readSnapshot(selector, options, this.transport, { concurrency: this.config.backlogConcurrency, ...this.config }, ctx.signal);
  }

  open(selector: PodLogsSelector, ctx: StreamContext): AsyncIterable<SourceEvent> {
    if (selector.previous) return this.openPrevious(selector, ctx);
    return openPodLogsStream(selector, this.transport, this.pool, this.config, ctx.signal, ctx.logger);
  }

  /** The previous instances: read once, each target ends as `completed`, then the stream ends. */
  private openPrevious(selector: PodLogsSelector, ctx: StreamContext): AsyncIterable<SourceEvent> {
    const queue = new SourceEventQueue(this.config.maxBatchRecords);
    const options = { concurrency: this.config.backlogConcurrency, maxLineBytes: this.config.maxLineBytes };
    readSnapshot(selector, {}, this.transport, options, ctx.signal).then(
      ({ targets, records }) => {
        for (const target of targets) queue.push({ type: 'target', op: 'added', target });
        queue.records(records);
        for (const target of targets) queue.push({ type: 'target', op: 'removed', target, reason: 'completed' });
        queue.end();
      },
      (error: unknown) => queue.end(ctx.signal.aborted ? undefined : error),
    );
    return queue;
  }
}
