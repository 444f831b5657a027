// One run of an `agent-pod-logs.pods` stream on the gateway: subscribes to its own batch channel,
// publishes demand for its selector (renewed every demandIntervalMs, released when the run ends),
// and turns what agents send into source events. A target is announced before its first records;
// records of a target another node announced are dropped and counted (groundwork for checking the
// node binding against the apiserver). What arrives is bounded: past maxQueuedRecords waiting for
// the host, new batches are dropped and logged by count, never by content.
import { randomBytes } from 'node:crypto';

import type { PluginBus, PluginLogger, SourceEvent, TargetRef } from '@tailgate/plugin-sdk';
import { targetKey } from '@tailgate/plugin-sdk';

import { batchesChannel, DEMAND_CHANNEL } from './agent-channels';
import { type AgentMessage, type Demand, parseAgentMessage, recordOf } from './agent-messages';
import type { AgentPodLogsConfig } from './agent-pod-logs-config';
import type { AgentPodSelector } from './agent-pod-selector';

/** Counts of one run, for its log line at the end. */
interface RunCounts {
  invalid: number;
  otherNode: number;
  unselected: number;
  dropped: number;
}

export async function* runAgentStream(
  selector: AgentPodSelector,
  bus: PluginBus,
  config: AgentPodLogsConfig,
  signal: AbortSignal,
  logger: PluginLogger,
): AsyncGenerator<SourceEvent> {
  const run = randomBytes(16).toString('hex');
  const inbox = new AgentInbox(selector, config.maxQueuedRecords, logger);
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
  const { namespace, pod, container, node, stream, include, exclude } = selector;
  return {
    v: 1,
    t: 'demand',
    run,
    ...(node !== undefined && { node }),
    selector: {
      ...(namespace !== undefined && { namespace }),
      ...(pod !== undefined && { pod }),
      ...(container !== undefined && { container }),
    },
    filter: { ...(stream !== undefined && { stream }), ...(include && { include }), ...(exclude && { exclude }) },
    ttlMs,
  };
}

/** What agents sent for one run, as source events waiting for the host. */
class AgentInbox {
  private readonly events: SourceEvent[] = [];
  private queuedRecords = 0;
  /** Announced targets and the node that announced each. */
  private readonly announced = new Map<string, TargetRef>();
  private wake: (() => void) | undefined;
  private readonly counts: RunCounts = { invalid: 0, otherNode: 0, unselected: 0, dropped: 0 };

  constructor(
    private readonly selector: AgentPodSelector,
    private readonly maxQueuedRecords: number,
    private readonly logger: PluginLogger,
  ) {}

  take(raw: string): void {
    const message = parseAgentMessage(raw);
    if (message === undefined) {
      if (this.counts.invalid++ === 0)
        this.logger.warn({ code: 'invalid_agent_message' }, 'dropped a message that is not an agent message');
      return;
    }
    this.apply(message);
    this.wake?.();
  }

  async *drain(signal: AbortSignal): AsyncGenerator<SourceEvent> {
    const onAbort = (): void => this.wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        const event = this.events.shift();
        if (event === undefined) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
          continue;
        }
        if (event.type === 'records') this.queuedRecords -= event.records.length;
        yield event;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  report(): void {
    const { invalid, otherNode, unselected, dropped } = this.counts;
    if (invalid + otherNode + unselected + dropped === 0) return;
    this.logger.warn({ invalid, otherNode, unselected, dropped }, 'agent stream ended with messages dropped');
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
    if (message.t === 'removed' && !this.announced.has(targetKey(message.target))) return;
    const target = this.accept(message.node, message.target);
    if (target === undefined) return;
    if (message.t === 'removed') {
      this.announced.delete(targetKey(target));
      this.events.push({ type: 'target', op: 'removed', target, ...(message.reason && { reason: message.reason }) });
    } else if (message.t === 'records') {
      if (this.queuedRecords + message.records.length > this.maxQueuedRecords) {
        if (this.counts.dropped === 0)
          this.logger.warn({ max: this.maxQueuedRecords }, 'agent records dropped: the stream is not being read');
        this.counts.dropped += message.records.length;
        return;
      }
      this.queuedRecords += message.records.length;
      this.events.push({ type: 'records', records: message.records.map((tuple) => recordOf(tuple, target)) });
    }
  }

  /** The target as announced (announcing it first if new); undefined when the message may not speak for it. */
  private accept(node: string, container: { namespace: string; pod: string; container: string }): TargetRef | undefined {
    const key = targetKey(container);
    const known = this.announced.get(key);
    if (known !== undefined) {
      if (known.node === node) return known;
      this.counts.otherNode++;
      return undefined;
    }
    if (!this.selects(node, container)) {
      this.counts.unselected++;
      return undefined;
    }
    const target: TargetRef = { ...container, node };
    this.announced.set(key, target);
    this.events.push({ type: 'target', op: 'added', target });
    return target;
  }

  private selects(node: string, target: { namespace: string; pod: string; container: string }): boolean {
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
