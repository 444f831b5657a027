// One run of an `agent-pod-logs.pods` stream on the gateway: subscribes to its own batch channel,
// publishes demand for its selector (renewed every demandIntervalMs, released when the run ends),
// and turns what agents send into source events. A target is announced before its first records.
// Every message passes the verifier first (signed by a session of the node it names, when agent
// authentication is on), then every announcement and batch the node binding (agent-node-binding.ts:
// the apiserver says the pod is on the sender's node, and that node's agent registered); messages
// are checked one at a time, in arrival order. With routing auto, containers on nodes without a
// live agent are read through the apiserver (apiserver-fallback.ts) into the same run. Whichever
// delivers, a target's records go out in cursor order once: a record at or before the last cursor
// delivered of its target is dropped (an agent taking over from the apiserver, or the reverse).
// What arrives is bounded: past maxQueuedRecords waiting for the host, new batches are dropped and
// logged by count, never by content.
import { randomBytes } from 'node:crypto';

import type { LogRecord, PluginBus, PluginLogger, SourceEvent, TargetEndReason, TargetRef } from '@tailgate/plugin-sdk';
import { StreamEventQueue, targetKey } from '@tailgate/plugin-sdk';

import { batchesChannel, DEMAND_CHANNEL } from './agent-channels';
import type { AgentMessageVerifier } from './agent-message-verifier';
import { type AgentMessage, type ContainerTarget, type Demand, parseAgentMessage, recordOf } from './agent-messages';
import type { AgentNodeBinding, AgentRefusalReason } from './agent-node-binding';
import type { AgentPodLogsConfig } from './agent-pod-logs-config';
import { type AgentPodSelector, wantedOf } from './agent-pod-selector';
import { ApiserverFallback, type ApiserverFallbackDeps, type FallbackSink } from './apiserver-fallback';
import { compileLineFilter, type LineFilter } from './line-filter';

export interface AgentStreamDeps {
  readonly bus: PluginBus;
  readonly config: AgentPodLogsConfig;
  readonly binding: AgentNodeBinding;
  readonly verifier: AgentMessageVerifier;
  /** With routing auto: how containers on nodes without a live agent are read. */
  readonly apiserver?: ApiserverFallbackDeps;
}

/** Counts of one run, for its log line at the end. */
interface RunCounts {
  invalid: number;
  refused: number;
  unselected: number;
  dropped: number;
}

export async function* runAgentStream(
  selector: AgentPodSelector,
  deps: AgentStreamDeps,
  signal: AbortSignal,
  logger: PluginLogger,
): AsyncGenerator<SourceEvent> {
  const { bus, config, binding, verifier } = deps;
  const run = randomBytes(16).toString('hex');
  const inbox = new AgentInbox(selector, config.maxQueuedRecords, logger, binding, verifier);
  const unsubscribe = await verifier.subscribe(bus, batchesChannel(run), 'batches', (raw, node) => inbox.take(raw, node));
  const routing = new AbortController();
  const fallback = deps.apiserver && new ApiserverFallback(selector, deps.apiserver, inbox);
  const routed = fallback?.run(routing.signal, logger);
  const demand = JSON.stringify(demandOf(run, selector, config.demandTtlMs));
  let failing = false;
  const renew = (): Promise<void> =>
    bus.publish(DEMAND_CHANNEL, demand).then(
      () => void (failing = false),
      (error: unknown) => {
        if (!failing) logger.warn({ err: error instanceof Error ? error.name : 'unknown' }, 'publishing agent demand failed; retrying');
        failing = true;
      },
    );
  const timer = setInterval(() => void renew(), config.demandIntervalMs);
  try {
    await renew();
    yield* inbox.drain(signal);
  } finally {
    routing.abort();
    await routed;
    clearInterval(timer);
    await bus.publish(DEMAND_CHANNEL, JSON.stringify({ v: 1, t: 'release', run })).catch(() => undefined);
    await unsubscribe().catch(() => undefined);
    inbox.report();
  }
}

function demandOf(run: string, selector: AgentPodSelector, ttlMs: number): Demand {
  return { v: 1, t: 'demand', run, ...wantedOf(selector), ttlMs };
}

/** What agents (and, with routing auto, the apiserver) sent for one run, as source events waiting for the host. */
export class AgentInbox implements FallbackSink {
  private readonly events = new StreamEventQueue();
  /** Announced targets, each with the node the apiserver bound its pod to when it was announced. */
  private readonly announced = new Map<string, TargetRef>();
  private readonly counts: RunCounts = { invalid: 0, refused: 0, unselected: 0, dropped: 0 };
  /** Reasons already logged in this run (each once). */
  private readonly loggedReasons = new Set<AgentRefusalReason>();
  /** Messages are checked one after another, so they apply in arrival order. */
  private checking: Promise<void> = Promise.resolve();
  private checkingRecords = 0;
  /** Per target: the last cursor delivered, whichever source delivered it. */
  private readonly delivered = new Map<string, string>();
  /** Per target: when an agent last delivered a record of it (ms). */
  private readonly fromAgent = new Map<string, number>();
  /** The selector's line filter, for records read through the apiserver (agents filter on the node). */
  private readonly filter: LineFilter | undefined;

  constructor(
    private readonly selector: AgentPodSelector,
    private readonly maxQueuedRecords: number,
    private readonly logger: PluginLogger,
    private readonly binding: AgentNodeBinding,
    private readonly verifier: AgentMessageVerifier,
  ) {
    this.filter = compileLineFilter(selector);
  }

  take(raw: string, signedNode: string | undefined): void {
    const message = parseAgentMessage(raw);
    if (message === undefined) {
      if (this.counts.invalid++ === 0)
        this.logger.warn({ code: 'invalid_agent_message' }, 'dropped a message that is not an agent message');
      return;
    }
    if (!this.verifier.sameNode(signedNode, message.node, 'batches')) return;
    // Records waiting for their check count against the bound too (a slow pod metadata lookup).
    const records = message.t === 'records' ? message.records.length : 0;
    if (records > 0 && this.events.records + this.checkingRecords + records > this.maxQueuedRecords) return this.drop(records);
    this.checkingRecords += records;
    this.checking = this.checking
      .then(() => {
        this.checkingRecords -= records;
        return this.check(message);
      })
      .catch((error: unknown) => this.logger.error({ err: error instanceof Error ? error.name : 'unknown' }, 'agent message not applied'));
  }

  /** Applies the message if its node may speak for its target; counts and drops it otherwise. */
  private async check(message: AgentMessage): Promise<void> {
    if (message.t !== 'added' && message.t !== 'removed' && message.t !== 'records') return this.apply(message);
    const verdict = await this.binding.check(message.node, message.target);
    if (verdict.ok) return this.apply(message);
    const records = message.t === 'records' ? message.records.length : 0;
    this.counts.refused += records;
    this.binding.count(verdict.reason, records);
    this.forgetGone(message.node, message.target, verdict.reason);
    if (!this.loggedReasons.has(verdict.reason)) {
      this.loggedReasons.add(verdict.reason);
      this.logger.warn({ code: verdict.reason, node: message.node }, 'refused an agent message: its node may not speak for the pod');
    }
  }

  /** A target announced for `node` whose pod the apiserver no longer has there (deleted, or created again elsewhere) ends. */
  private forgetGone(node: string, container: ContainerTarget, reason: AgentRefusalReason): void {
    const key = targetKey(container);
    const known = this.announced.get(key);
    if (known?.node !== node || (reason !== 'unknown_pod' && reason !== 'wrong_node')) return;
    this.remove(known, 'deleted');
  }

  /** The target ends: everything the run kept about it goes, so pod churn cannot grow the run. */
  private remove(target: TargetRef, reason: TargetEndReason | undefined): void {
    const key = targetKey(target);
    this.announced.delete(key);
    this.delivered.delete(key);
    this.fromAgent.delete(key);
    this.events.push({ type: 'target', op: 'removed', target, ...(reason && { reason }) });
  }

  drain(signal: AbortSignal): AsyncGenerator<SourceEvent> {
    return this.events.drain(signal);
  }

  private drop(records: number): void {
    if (this.counts.dropped === 0) this.logger.warn({ max: this.maxQueuedRecords }, 'agent records dropped: the stream is not being read');
    this.counts.dropped += records;
  }

  report(): void {
    const { invalid, refused, unselected, dropped } = this.counts;
    if (invalid + refused + unselected + dropped === 0) return;
    this.logger.warn({ invalid, refused, unselected, dropped }, 'agent stream ended with messages dropped');
  }

  private apply(message: AgentMessage): void {
    if (message.t === 'refused') {
      this.logger.warn(
        { code: message.code, node: message.node, ...(message.max !== undefined && { max: message.max }) },
        'an agent refused demand',
      );
      return;
    }
    if (message.t !== 'added' && message.t !== 'removed' && message.t !== 'records') return;
    const known = this.announced.get(targetKey(message.target));
    if (message.t === 'removed' && known?.node !== message.node) return;
    const target = this.accept(message.node, message.target);
    if (target === undefined) return;
    if (message.t === 'removed') {
      this.remove(target, message.reason);
    } else if (message.t === 'records') {
      this.fromAgent.set(targetKey(target), Date.now());
      this.deliver(
        target,
        message.records.map((tuple) => recordOf(tuple, target)),
      );
    }
  }

  /** Records of `target` after the last one delivered of it, queued in one batch. */
  private deliver(target: TargetRef, records: readonly LogRecord[]): void {
    const key = targetKey(target);
    const last = this.delivered.get(key);
    const fresh = last === undefined ? records : records.filter((record) => record.cursor > last);
    if (fresh.length === 0) return;
    if (this.events.records + fresh.length > this.maxQueuedRecords) return this.drop(fresh.length);
    this.delivered.set(key, (fresh.at(-1) as LogRecord).cursor);
    this.events.push({ type: 'records', records: fresh });
  }

  lastCursor(key: string): string | undefined {
    return this.delivered.get(key);
  }

  agentDeliveredSince(key: string, since: number): boolean {
    return (this.fromAgent.get(key) ?? -1) >= since;
  }

  started(target: TargetRef): void {
    this.accept(target.node ?? '', { namespace: target.namespace, pod: target.pod, container: target.container });
  }

  /** Records read through the apiserver: the target is the apiserver's, so no binding to check. */
  records(target: TargetRef, records: LogRecord[]): void {
    const container = { namespace: target.namespace, pod: target.pod, container: target.container };
    const announced = this.accept(target.node ?? '', container);
    if (announced === undefined) return;
    const kept = this.filter === undefined ? records : records.filter(this.filter);
    this.deliver(
      announced,
      kept.map((record) => ({ ...record, target: announced })),
    );
  }

  gone(target: TargetRef): void {
    const key = targetKey(target);
    const known = this.announced.get(key);
    if (known?.node !== target.node || known === undefined) return;
    this.remove(known, 'deleted');
  }

  /**
   * The target as announced (announcing it first if new); undefined when the selector does not
   * cover it. The binding was checked: a pod now bound to another node than when it was announced
   * (deleted and created again elsewhere) is announced anew on its new node.
   */
  private accept(node: string, container: ContainerTarget): TargetRef | undefined {
    const key = targetKey(container);
    const known = this.announced.get(key);
    if (known?.node === node) return known;
    if (!this.selects(node, container)) {
      this.counts.unselected++;
      return undefined;
    }
    if (known !== undefined) this.events.push({ type: 'target', op: 'removed', target: known });
    const target: TargetRef = { namespace: container.namespace, pod: container.pod, container: container.container, node };
    this.announced.set(key, target);
    this.events.push({ type: 'target', op: 'added', target });
    return target;
  }

  private selects(node: string, target: ContainerTarget): boolean {
    return selectsTarget(this.selector, node, target);
  }
}

/** An agent cannot widen a stream: what it announces must match the selector. */
export function selectsTarget(
  selector: AgentPodSelector,
  node: string,
  target: { namespace: string; pod: string; container: string },
): boolean {
  return (
    (selector.namespace === undefined || selector.namespace === target.namespace) &&
    (selector.pod === undefined || selector.pod === target.pod) &&
    (selector.container === undefined || selector.container === target.container) &&
    (selector.node === undefined || selector.node === node)
  );
}
