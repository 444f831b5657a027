// A listener's backlog through the agents (tail, since, resume): the request goes to every agent
// the directory knows (or the selector's node), each answers with its targets and then sends its
// records oldest first, a page per credit this reader grants as the host takes pages — so a slow
// listener holds at most a couple of pages per agent. The agents' streams are merged oldest first.
// An agent that does not answer in agentAnswerMs fails the read with upstream_unavailable.
import { randomBytes } from 'node:crypto';

import {
  type Backlog,
  type BacklogOptions,
  dateToEpochNanos,
  type LogRecord,
  mergeOldestFirst,
  type PluginBus,
  pagesOf,
  type TargetRef,
  UpstreamUnavailableError,
} from '@tailgate/plugin-sdk';

import { batchesChannel, DEMAND_CHANNEL } from './agent-channels';
import type { AgentDirectory } from './agent-directory';
import { type AgentMessage, type BacklogRequest, parseAgentMessage } from './agent-messages';
import type { AgentPodLogsConfig } from './agent-pod-logs-config';
import type { AgentPodSelector } from './agent-pod-selector';
import { selectsTarget } from './agent-stream';

/** Pages an agent may send ahead of what the host took. */
const CREDIT = 2;

export interface AgentBacklogDeps {
  readonly bus: PluginBus;
  readonly directory: AgentDirectory;
  readonly config: AgentPodLogsConfig;
}

export async function agentBacklog(
  selector: AgentPodSelector,
  options: BacklogOptions,
  signal: AbortSignal,
  deps: AgentBacklogDeps,
): Promise<Backlog> {
  const { tail, since, after } = options;
  if (tail === undefined && since === undefined && after === undefined) return { targets: [], pages: pagesOf([]) };
  const nodes = (await deps.directory.nodes()).filter((node) => selector.node === undefined || node === selector.node);
  if (nodes.length === 0) return { targets: [], pages: pagesOf([]) };
  const run = randomBytes(16).toString('hex');
  const reads = new Map(nodes.map((node) => [node, new NodeRead(node, selector)]));
  const unsubscribe = await deps.bus.subscribe(batchesChannel(run), (raw) => {
    const message = parseAgentMessage(raw);
    if (message) reads.get(message.node)?.take(message);
  });
  const toAgent = (body: Record<string, unknown>) => deps.bus.publish(DEMAND_CHANNEL, JSON.stringify({ v: 1, ...body, run }));
  const cancelAll = async () => {
    for (const read of reads.values()) if (!read.ended) await toAgent({ t: 'cancel', node: read.node }).catch(() => undefined);
    await unsubscribe().catch(() => undefined);
  };
  try {
    await deps.bus.publish(DEMAND_CHANNEL, JSON.stringify(requestOf(run, selector, options, deps.config.demandTtlMs)));
    for (const read of reads.values()) await read.answered(deps.config.agentAnswerMs, signal);
  } catch (error) {
    await cancelAll();
    throw error;
  }
  const targets = [...reads.values()].flatMap((read) => read.targets);
  const inputs = [...reads.values()].map((read) =>
    read.pages(deps.config.agentAnswerMs, signal, () => toAgent({ t: 'credit', node: read.node, pages: 1 })),
  );
  return { targets, pages: closing(mergeOldestFirst(inputs), cancelAll) };
}

function requestOf(run: string, selector: AgentPodSelector, options: BacklogOptions, ttlMs: number): BacklogRequest {
  const { namespace, pod, container, node, stream, include, exclude } = selector;
  const { tail, since, after } = options;
  return {
    v: 1,
    t: 'backlog',
    run,
    ...(node !== undefined && { node }),
    selector: {
      ...(namespace !== undefined && { namespace }),
      ...(pod !== undefined && { pod }),
      ...(container !== undefined && { container }),
    },
    filter: { ...(stream !== undefined && { stream }), ...(include && { include }), ...(exclude && { exclude }) },
    window: {
      ...(tail !== undefined && { tail }),
      ...(since !== undefined && { sinceNanos: dateToEpochNanos(since) }),
      ...(after !== undefined && {
        after: { byTarget: Object.fromEntries(after.byTarget), ...(after.otherwise !== undefined && { otherwise: after.otherwise }) },
      }),
    },
    credit: CREDIT,
    ttlMs,
  };
}

async function* closing<T>(pages: AsyncGenerator<T>, close: () => Promise<void>): AsyncGenerator<T> {
  try {
    yield* pages;
  } finally {
    await close();
  }
}

/** What one agent sent for one read. */
class NodeRead {
  /** The targets the agent named, in its order (pages refer to them by index). */
  private named: TargetRef[] = [];
  ended = false;
  private answeredTargets = false;
  private failed: string | undefined;
  private readonly queue: LogRecord[][] = [];
  private wake: (() => void) | undefined;

  constructor(
    readonly node: string,
    private readonly selector: AgentPodSelector,
  ) {}

  take(message: AgentMessage): void {
    if (message.t === 'backlog-targets' && !this.answeredTargets) {
      this.answeredTargets = true;
      this.named = message.targets.map((t) => ({ ...t, node: this.node }));
    } else if (message.t === 'backlog-page' && this.answeredTargets) {
      const records = message.records.flatMap(([ts, stream, line, cursor, index]) => {
        const target = this.named[index];
        return target && selectsTarget(this.selector, this.node, target) ? [{ ts, stream, line, cursor, target }] : [];
      });
      if (records.length > 0) this.queue.push(records);
    } else if (message.t === 'backlog-end') {
      this.ended = true;
      if (message.code !== undefined) this.failed = message.code;
    } else return;
    this.wake?.();
  }

  /** Resolves once the agent named its targets (dropping those outside the selector). */
  async answered(timeoutMs: number, signal: AbortSignal): Promise<void> {
    await this.until(() => this.answeredTargets || this.ended, timeoutMs, signal);
    if (!this.answeredTargets) throw this.error();
  }

  /** The named targets the selector covers: an agent cannot widen a read. */
  get targets(): TargetRef[] {
    return this.named.filter((target) => selectsTarget(this.selector, this.node, target));
  }

  async *pages(timeoutMs: number, signal: AbortSignal, grant: () => Promise<void>): AsyncGenerator<readonly LogRecord[]> {
    for (;;) {
      await this.until(() => this.queue.length > 0 || this.ended, timeoutMs, signal);
      const page = this.queue.shift();
      if (page === undefined) {
        if (this.failed !== undefined) throw this.error();
        return;
      }
      if (!this.ended) await grant();
      yield page;
    }
  }

  private error(): UpstreamUnavailableError {
    const why = this.failed === undefined ? 'did not answer in time' : `ended the read (${this.failed})`;
    return new UpstreamUnavailableError(`the agent of node ${this.node} ${why}`);
  }

  private async until(ready: () => boolean, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (ready()) return;
    signal.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', abort);
        this.wake = undefined;
      };
      const abort = (): void => {
        done();
        reject(signal.reason as Error);
      };
      const timer = setTimeout(() => {
        done();
        reject(this.error());
      }, timeoutMs);
      this.wake = () => {
        if (!ready()) return;
        done();
        resolve();
      };
      signal.addEventListener('abort', abort, { once: true });
    });
  }
}
