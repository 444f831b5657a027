// One run of an `agent-pod-logs.pods` stream on the gateway: subscribes to its own batch channel,
// publishes demand for its selector (renewed every demandIntervalMs, released when the run ends),
// and turns what agents send into source events. A target is announced before its first records.
// Every announcement and batch passes the node binding first (agent-node-binding.ts: the apiserver
// says the pod is on the sender's node, and that node's agent registered); messages are checked one
// at a time, in arrival order. What arrives is bounded: past maxQueuedRecords waiting for the host,
// new batches are dropped and logged by count, never by content.
import { randomBytes } from 'node:crypto';

import type { PluginBus, PluginLogger, SourceEvent, TargetRef } from '@tailgate/plugin-sdk';
import { StreamEventQueue, targetKey } from '@tailgate/plugin-sdk';

import { batchesChannel, DEMAND_CHANNEL } from './agent-channels';
import { type AgentMessage, type ContainerTarget, type Demand, parseAgentMessage, recordOf } from './agent-messages';
import type { AgentNodeBinding, AgentRefusalReason } from './agent-node-binding';
import type { AgentPodLogsConfig } from './agent-pod-logs-config';
import { type AgentPodSelector, wantedOf } from './agent-pod-selector';

/** Counts of one run, for its log line at the end. */
interface RunCounts {
  invalid: number;
  refused: number;
  unselected: number;
  dropped: number;
}

export async function* runAgentStream(
  selector: AgentPodSelector,
  bus: PluginBus,
  config: AgentPodLogsConfig,
  signal: AbortSignal,
  logger: PluginLogger,
  binding: AgentNodeBinding,
): AsyncGenerator<SourceEvent> {
  const run = randomBytes(16).toString('hex');
  const inbox = new AgentInbox(selector, config.maxQueuedRecords, logger, binding);
  const unsubscribe = await bus.subscribe(batchesChannel(run), (raw) => inbox.take(raw));
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
    clearInterval(timer);
    await bus.publish(DEMAND_CHANNEL, JSON.stringify({ v: 1, t: 'release', run })).catch(() => undefined);
    await unsubscribe().catch(() => undefined);
    inbox.report();
  }
}

function demandOf(run: string, selector: AgentPodSelector, ttlMs: number): Demand {
  return { v: 1, t: 'demand', run, ...wantedOf(selector), ttlMs };
}

/** What agents sent for one run, as source events waiting for the host. */
class AgentInbox {
  private readonly events = new StreamEventQueue();
  /** Announced targets, each with the node the apiserver bound its pod to when it was announced. */
  private readonly announced = new Map<string, TargetRef>();
  private readonly counts: RunCounts = { invalid: 0, refused: 0, unselected: 0, dropped: 0 };
  /** Reasons already logged in this run (each once). */
  private readonly loggedReasons = new Set<AgentRefusalReason>();
  /** Messages are checked one after another, so they apply in arrival order. */
  private checking: Promise<void> = Promise.resolve();
  private checkingRecords = 0;

  constructor(
    private readonly selector: AgentPodSelector,
    private readonly maxQueuedRecords: number,
    private readonly logger: PluginLogger,
    private readonly binding: AgentNodeBinding,
  ) {}

  take(raw: string): void {
    const message = parseAgentMessage(raw);
    if (message === undefined) {
      if (this.counts.invalid++ === 0)
        this.logger.warn({ code: 'invalid_agent_message' }, 'dropped a message that is not an agent message');
      return;
    }
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
    this.announced.delete(key);
    this.events.push({ type: 'target', op: 'removed', target: known, reason: 'deleted' });
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
      this.announced.delete(targetKey(target));
      this.events.push({ type: 'target', op: 'removed', target, ...(message.reason && { reason: message.reason }) });
    } else if (message.t === 'records') {
      if (this.events.records + message.records.length > this.maxQueuedRecords) return this.drop(message.records.length);
      this.events.push({ type: 'records', records: message.records.map((tuple) => recordOf(tuple, target)) });
    }
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
