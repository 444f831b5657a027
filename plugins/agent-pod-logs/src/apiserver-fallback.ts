// Routing `auto` inside one stream run: every apiserverRescanMs the run looks at the pods its
// selector covers (the pod metadata service: the apiserver's pods, with their node and
// containers) and follows through the apiserver (apiserver-log-follower.ts) each container whose
// node has no live agent in the directory. A follow stops once the node's agent delivered a record
// of that container (the agent took over; the run drops what both delivered by cursor), or when
// its pod is gone. A node whose agent goes silent for heartbeatTtlMs is followed again from the
// last cursor the run delivered of each container, so its lines come from the apiserver instead.
// A run follows at most maxFollows containers at once (apiserverMaxFollows, as an agent bounds one
// stream with maxContainersPerDemand); beyond, the rest wait for a free follow at a later rescan, logged once.
import { setTimeout as sleep } from 'node:timers/promises';

import type { KubeTransport } from '@tailgate/kube';
import {
  type LogRecord,
  type PluginLogger,
  type PodMetadata,
  type PodMetadataService,
  type TargetRef,
  targetKey,
} from '@tailgate/plugin-sdk';

import type { AgentPodSelector } from './agent-pod-selector';
import { followThroughApiserver } from './apiserver-log-follower';

export interface ApiserverFallbackDeps {
  readonly transport: Pick<KubeTransport, 'stream'>;
  readonly pods: PodMetadataService;
  readonly registered: (node: string) => boolean;
  readonly rescanMs: number;
  readonly maxLineBytes: number;
  /** Most containers one run follows at once (apiserverMaxFollows). */
  readonly maxFollows: number;
  /** pods/log reads of one backlog being opened at once (apiserverConcurrency; apiserver-backlog.ts). */
  readonly concurrency: number;
  readonly logger: PluginLogger;
}

/** The containers of `pod` the selector covers, once the pod is bound to a node. Pure. */
export function selectedContainers(selector: AgentPodSelector, pod: PodMetadata): TargetRef[] {
  const { namespace, pod: name, container, node } = selector;
  if (pod.node === undefined || (node !== undefined && pod.node !== node)) return [];
  if ((namespace !== undefined && pod.namespace !== namespace) || (name !== undefined && pod.name !== name)) return [];
  return (pod.containers ?? [])
    .filter((c) => container === undefined || c === container)
    .map((c) => ({ namespace: pod.namespace, pod: pod.name, container: c, node: pod.node }));
}

/** What the fallback needs of the run it serves. */
export interface FallbackSink {
  /** The last cursor the run delivered of a target. */
  lastCursor(key: string): string | undefined;
  /** Whether an agent delivered a record of the target since `since` (ms). */
  agentDeliveredSince(key: string, since: number): boolean;
  /** The target is followed through the apiserver now (announced if new). */
  started(target: TargetRef): void;
  records(target: TargetRef, records: LogRecord[]): void;
  /** The target's pod is gone (the apiserver no longer has it). */
  gone(target: TargetRef): void;
}

interface Follow {
  readonly target: TargetRef;
  readonly abort: AbortController;
  readonly startedAt: number;
}

export class ApiserverFallback {
  private readonly follows = new Map<string, Follow>();
  /** Whether the run has logged that it holds more containers than maxFollows. */
  private loggedFull = false;

  constructor(
    private readonly selector: AgentPodSelector,
    private readonly deps: ApiserverFallbackDeps,
    private readonly sink: FallbackSink,
  ) {}

  /** Routes until `signal` aborts; a failed look at the pods (pod metadata unavailable) is logged once and tried again. */
  async run(signal: AbortSignal, logger: PluginLogger): Promise<void> {
    const stop = (): void => this.stopAll();
    signal.addEventListener('abort', stop, { once: true });
    let failing = false;
    try {
      while (!signal.aborted) {
        await this.route().then(
          () => void (failing = false),
          (error: unknown) => {
            if (!failing)
              logger.warn({ err: error instanceof Error ? error.name : 'unknown' }, 'routing auto: listing pods failed; retrying');
            failing = true;
          },
        );
        await sleep(this.deps.rescanMs, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      this.stopAll();
    }
  }

  /** Containers followed through the apiserver now (tests). */
  followed(): string[] {
    return [...this.follows.keys()];
  }

  async route(): Promise<void> {
    const pods = (await this.deps.pods.list?.()) ?? [];
    const wanted = new Map<string, TargetRef>();
    for (const pod of pods) for (const target of selectedContainers(this.selector, pod)) wanted.set(targetKey(target), target);
    for (const [key, follow] of this.follows) {
      const target = wanted.get(key);
      if (target === undefined || target.node !== follow.target.node) {
        this.stop(key);
        this.sink.gone(follow.target);
      } else if (this.deps.registered(follow.target.node ?? '') && this.sink.agentDeliveredSince(key, follow.startedAt)) {
        this.stop(key);
      }
    }
    for (const [key, target] of wanted) {
      if (this.follows.has(key) || this.deps.registered(target.node ?? '')) continue;
      if (this.follows.size >= this.deps.maxFollows) {
        if (!this.loggedFull)
          this.deps.logger.warn(
            { max: this.deps.maxFollows },
            'routing auto: more containers without an agent than one stream follows; the rest wait',
          );
        this.loggedFull = true;
        break;
      }
      this.start(key, target);
    }
  }

  private start(key: string, target: TargetRef): void {
    const follow: Follow = { target, abort: new AbortController(), startedAt: Date.now() };
    this.follows.set(key, follow);
    this.sink.started(target);
    const options = { maxLineBytes: this.deps.maxLineBytes, after: this.sink.lastCursor(key), logger: this.deps.logger };
    void followThroughApiserver(this.deps.transport, target, options, follow.abort.signal, (records) => {
      if (this.follows.get(key) === follow) this.sink.records(target, records);
    }).finally(() => {
      if (this.follows.get(key) === follow) this.follows.delete(key);
    });
  }

  private stop(key: string): void {
    this.follows.get(key)?.abort.abort();
    this.follows.delete(key);
  }

  private stopAll(): void {
    for (const key of [...this.follows.keys()]) this.stop(key);
  }
}
