// One live stream of the pod-logs source: watches the selected pods, announces each selected
// container as a target once its pod is on a node, follows it through the shared follower pool,
// and ends it with a reason: `completed` once its last instance drained and no new one will come,
// `deleted` once its pod is gone, `failed` when the apiserver refuses us its logs.
import { type KubeTransport, runListWatch } from '@tailgate/kube';
import type { LogRecord, PluginLogger, SourceEvent, TargetEndReason, TargetRef } from '@tailgate/plugin-sdk';

import { ByteBudget } from './byte-budget';
import type { FollowerHandle, FollowerPool } from './follower-pool';
import { PodFilter, type PodQuery, targetOf } from './pod-filter';
import { containerFinished, instanceOf, type PodContainer, type PodObject, PodObjectSchema } from './pod-object';
import type { PodLogsSelector } from './pod-logs-selector';
import { SourceEventQueue } from './source-event-queue';

export interface PodLogsStreamOptions {
  readonly maxBatchRecords: number;
  readonly watchTimeoutSeconds: number;
  readonly retryMinMs: number;
  /** How long a deleted pod's containers may still drain their logs before their targets end. */
  readonly deletionDrainMs: number;
}

interface FollowedTarget {
  readonly ref: TargetRef;
  readonly handle: FollowerHandle;
  instance: string;
  /** A followed read ended since the last new instance: the container may be done. */
  drained: boolean;
  readonly budget: ByteBudget;
  deleted: boolean;
  deletionTimer?: NodeJS.Timeout;
}

interface KnownPod {
  pod: PodObject;
  readonly targets: Map<string, FollowedTarget>;
  /** Containers whose targets ended for good (completed, failed): never followed again. */
  readonly over: Set<string>;
}

export function openPodLogsStream(
  selector: PodLogsSelector,
  transport: KubeTransport,
  pool: FollowerPool,
  options: PodLogsStreamOptions,
  signal: AbortSignal,
  logger: PluginLogger,
): AsyncIterable<SourceEvent> {
  const queue = new SourceEventQueue(options.maxBatchRecords);
  const stream = new PodLogsStream(selector, pool, options, queue, logger);
  void stream.run(transport, signal);
  return queue;
}

class PodLogsStream {
  private readonly pods = new Map<string, KnownPod>();
  /** Pod events are handled one at a time, in order (ownership checks may wait on the apiserver). */
  private chain: Promise<void> = Promise.resolve();
  private filter: PodFilter | undefined;

  constructor(
    private readonly selector: PodLogsSelector,
    private readonly pool: FollowerPool,
    private readonly options: PodLogsStreamOptions,
    private readonly queue: SourceEventQueue,
    private readonly logger: PluginLogger,
  ) {}

  async run(transport: KubeTransport, signal: AbortSignal): Promise<void> {
    const logger = this.logger;
    try {
      const filter = (this.filter = await PodFilter.create(this.selector, transport, signal));
      const queries = filter.queries();
      // Pods listed at the start are followed from now on; pods that appear later, from their first line.
      const listed = new Set<string>();
      await Promise.all(
        queries.map((query) =>
          runListWatch(
            transport,
            {
              replace: (pods) =>
                this.serial(async () => {
                  const fresh = new Set(pods.map((p) => p.metadata.uid));
                  for (const [uid, known] of this.pods) if (inScope(query, known.pod) && !fresh.has(uid)) this.podGone(known);
                  for (const pod of pods) {
                    await this.podSeen(pod, listed.has(query.path) || this.pods.has(pod.metadata.uid) ? 'beginning' : 'now');
                  }
                  listed.add(query.path);
                }),
              upsert: (pod) => this.serial(() => this.podSeen(pod, 'beginning')),
              remove: (pod) =>
                this.serial(() => {
                  const known = this.pods.get(pod.metadata.uid);
                  if (known !== undefined) this.podGone(known);
                }),
            },
            signal,
            {
              path: query.path,
              params: query.params,
              schema: PodObjectSchema,
              what: query.what,
              watchTimeoutSeconds: this.options.watchTimeoutSeconds,
              retryDelayMs: this.options.retryMinMs,
              logger,
            },
          ),
        ),
      );
      this.queue.end();
    } catch (error) {
      this.queue.end(signal.aborted ? undefined : error);
    } finally {
      await this.chain;
      for (const known of this.pods.values()) for (const target of known.targets.values()) this.release(target);
      this.pods.clear();
    }
  }

  private serial(task: () => Promise<void> | void): void {
    this.chain = this.chain.then(task).catch((error: unknown) => {
      // An ownership lookup failed: the pod is looked at again on its next change or re-list.
      this.logger.warn({ err: error instanceof Error ? error.message : 'unknown' }, 'could not place a pod in the stream');
    });
  }

  private async podSeen(pod: PodObject, start: 'now' | 'beginning'): Promise<void> {
    const filter = this.filter as PodFilter;
    const known = this.pods.get(pod.metadata.uid);
    if (pod.spec.nodeName === undefined) return;
    if (!(await filter.selects(pod))) {
      // Relabelled out of the selection: its targets end, without a reason of their own.
      if (known !== undefined) this.forget(known, undefined);
      return;
    }
    const entry = known ?? { pod, targets: new Map<string, FollowedTarget>(), over: new Set<string>() };
    entry.pod = pod;
    this.pods.set(pod.metadata.uid, entry);
    for (const container of filter.containers(pod)) {
      const target = entry.targets.get(container.name);
      if (target === undefined && !entry.over.has(container.name)) this.follow(entry, container, start);
      else if (target !== undefined) this.update(entry, target, container);
    }
  }

  private follow(entry: KnownPod, container: PodContainer, start: 'now' | 'beginning'): void {
    const ref = targetOf(entry.pod, container.name);
    this.queue.push({ type: 'target', op: 'added', target: ref });
    const listener = {
      records: (records: readonly LogRecord[]) => this.deliver(entry, target, records),
      drained: () => {
        target.drained = true;
        this.settle(entry, target);
      },
      failed: () => this.end(entry, target, 'failed'),
    };
    const handle = this.pool.acquire(ref, entry.pod.metadata.uid, start, listener);
    const target: FollowedTarget = {
      ref,
      handle,
      instance: instanceOf(container),
      drained: false,
      budget: new ByteBudget(this.selector.limitBytes),
      deleted: false,
    };
    entry.targets.set(container.name, target);
  }

  private update(entry: KnownPod, target: FollowedTarget, container: PodContainer): void {
    const instance = instanceOf(container);
    if (instance !== target.instance) {
      target.instance = instance;
      target.drained = false;
      target.handle.nudge();
    }
    this.settle(entry, target);
  }

  private deliver(entry: KnownPod, target: FollowedTarget, records: readonly LogRecord[]): void {
    this.queue.records(target.budget.take(records));
    if (target.budget.exhausted) this.end(entry, target, 'completed');
  }

  /** Ends a target whose container is done (drained, and no instance will follow) or whose pod is gone. */
  private settle(entry: KnownPod, target: FollowedTarget): void {
    if (!target.drained) return;
    if (target.deleted) return this.end(entry, target, 'deleted');
    const container = this.filter?.containers(entry.pod).find((c) => c.name === target.ref.container);
    if (container !== undefined && containerFinished(entry.pod, container)) this.end(entry, target, 'completed');
  }

  private podGone(known: KnownPod): void {
    for (const target of known.targets.values()) {
      target.deleted = true;
      if (target.drained) this.end(known, target, 'deleted');
      else target.deletionTimer ??= setTimeout(() => this.end(known, target, 'deleted'), this.options.deletionDrainMs);
    }
  }

  private forget(known: KnownPod, reason: TargetEndReason | undefined): void {
    for (const target of [...known.targets.values()]) this.end(known, target, reason);
    this.pods.delete(known.pod.metadata.uid);
  }

  private end(entry: KnownPod, target: FollowedTarget, reason: TargetEndReason | undefined): void {
    if (entry.targets.get(target.ref.container) !== target) return;
    entry.targets.delete(target.ref.container);
    this.release(target);
    if (reason === 'completed' || reason === 'failed') entry.over.add(target.ref.container);
    this.queue.push({ type: 'target', op: 'removed', target: target.ref, ...(reason === undefined ? {} : { reason }) });
    if (entry.targets.size === 0 && (target.deleted || reason === 'deleted')) this.pods.delete(entry.pod.metadata.uid);
  }

  private release(target: FollowedTarget): void {
    clearTimeout(target.deletionTimer);
    target.handle.release();
  }
}

function inScope(query: PodQuery, pod: PodObject): boolean {
  return query.namespace === undefined || query.namespace === pod.metadata.namespace;
}
