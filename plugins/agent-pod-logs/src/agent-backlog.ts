// A listener's backlog through the agents (tail, since, resume): the request goes to every agent
// the directory knows (or the selector's node), each answers with its targets and then sends its
// records oldest first, a page per credit this reader grants as the host takes pages — so a slow
// listener holds at most a couple of pages per agent. The agents' streams are merged oldest first.
// An agent that does not answer in agentAnswerMs fails the read with upstream_unavailable. Only
// targets whose pod the apiserver binds to the answering agent's node are read (agent-node-binding.ts);
// records of any other are dropped and counted. With agent authentication, only messages signed by a
// session of the node they name are read (agent-message-verifier.ts). With routing auto, containers
// on nodes without a live agent are read through the apiserver (apiserver-backlog.ts), merged in.
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
import type { AgentMessageVerifier } from './agent-message-verifier';
import { type AgentMessage, type BacklogRequest, type BacklogTuple, parseAgentMessage } from './agent-messages';
import type { AgentNodeBinding, AgentRefusalReason } from './agent-node-binding';
import type { AgentPodLogsConfig } from './agent-pod-logs-config';
import { type AgentPodSelector, wantedOf } from './agent-pod-selector';
import { selectsTarget } from './agent-stream';
import { apiserverBacklog, type ApiserverBacklogDeps } from './apiserver-backlog';

/** Pages an agent may send ahead of what the host took. */
const CREDIT = 2;

export interface AgentBacklogDeps {
  readonly bus: PluginBus;
  readonly directory: AgentDirectory;
  readonly config: AgentPodLogsConfig;
  readonly binding: AgentNodeBinding;
  readonly verifier: AgentMessageVerifier;
  /** With routing auto: containers on nodes without a live agent are read through the apiserver. */
  readonly apiserver?: ApiserverBacklogDeps;
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
  const fromApiserver = deps.apiserver ? await apiserverBacklog(selector, options, signal, deps.apiserver) : { targets: [], inputs: [] };
  if (nodes.length === 0) return { targets: fromApiserver.targets, pages: mergeOldestFirst(fromApiserver.inputs) };
  const run = randomBytes(16).toString('hex');
  const reads = new Map(nodes.map((node) => [node, new NodeRead(node, selector, deps.binding)]));
  const unsubscribe = await deps.verifier.subscribe(deps.bus, batchesChannel(run), 'backlog', (raw, signedNode) => {
    const message = parseAgentMessage(raw);
    if (message && deps.verifier.sameNode(signedNode, message.node, 'backlog')) reads.get(message.node)?.take(message);
  });
  const toAgent = (body: Record<string, unknown>) => deps.bus.publish(DEMAND_CHANNEL, JSON.stringify({ v: 1, ...body, run }));
  let cancelled: Promise<void> | undefined;
  const cancelAll = (): Promise<void> =>
    (cancelled ??= (async () => {
      for (const read of reads.values()) if (!read.ended) await toAgent({ t: 'cancel', node: read.node }).catch(() => undefined);
      await unsubscribe().catch(() => undefined);
    })());
  try {
    await deps.bus.publish(DEMAND_CHANNEL, JSON.stringify(requestOf(run, selector, options, deps.config.demandTtlMs)));
    for (const read of reads.values()) await read.answered(deps.config.agentAnswerMs, signal);
    for (const read of reads.values()) await read.checkBinding();
  } catch (error) {
    await cancelAll();
    throw error;
  }
  const targets = [...[...reads.values()].flatMap((read) => read.targets), ...fromApiserver.targets];
  const inputs = [
    ...[...reads.values()].map((read) =>
      read.pages(deps.config.agentAnswerMs, signal, () => toAgent({ t: 'credit', node: read.node, pages: 1 })),
    ),
    ...fromApiserver.inputs,
  ];
  // A host that gives up on the read aborts it and may never ask for a page again.
  const onAbort = (): void => void cancelAll();
  signal.addEventListener('abort', onAbort, { once: true });
  const close = async (): Promise<void> => {
    signal.removeEventListener('abort', onAbort);
    await cancelAll();
  };
  return { targets, pages: closing(mergeOldestFirst(inputs), close) };
}

function requestOf(run: string, selector: AgentPodSelector, options: BacklogOptions, ttlMs: number): BacklogRequest {
  const { tail, since, after } = options;
  return {
    v: 1,
    t: 'backlog',
    run,
    ...wantedOf(selector),
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

/**
 * Pages that close the read when they end, fail or are stopped, also when stopped before the first
 * page was asked for (a generator's `return()` then runs none of its body).
 */
function closing<T>(pages: AsyncGenerator<T>, close: () => Promise<void>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () => ({
      async next(): Promise<IteratorResult<T>> {
        let next: IteratorResult<T>;
        try {
          next = await pages.next();
        } catch (error) {
          await close();
          throw error;
        }
        if (next.done === true) await close();
        return next;
      },
      async return(): Promise<IteratorResult<T>> {
        const result = await pages.return(undefined);
        await close();
        return result;
      },
    }),
  };
}

/** What one agent sent for one read. */
class NodeRead {
  /** The targets the agent named, in its order (pages refer to them by index). */
  private named: TargetRef[] = [];
  /** Per named target: why its records are refused; undefined for a target this read serves. */
  private refusals: (AgentRefusalReason | 'unselected' | undefined)[] = [];
  ended = false;
  private answeredTargets = false;
  private failed: string | undefined;
  private readonly queue: (readonly BacklogTuple[])[] = [];
  private wake: (() => void) | undefined;

  constructor(
    readonly node: string,
    private readonly selector: AgentPodSelector,
    private readonly binding: AgentNodeBinding,
  ) {}

  take(message: AgentMessage): void {
    if (message.t === 'backlog-targets' && !this.answeredTargets) {
      this.answeredTargets = true;
      this.named = message.targets.map((t) => ({ namespace: t.namespace, pod: t.pod, container: t.container, node: this.node }));
      this.refusals = this.named.map(() => 'unselected');
    } else if (message.t === 'backlog-page' && this.answeredTargets) {
      this.queue.push(message.records);
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

  /** Checks each named target the selector covers against the apiserver's binding. */
  async checkBinding(): Promise<void> {
    this.refusals = await Promise.all(
      this.named.map(async (target) => {
        if (!selectsTarget(this.selector, this.node, target)) return 'unselected';
        const verdict = await this.binding.check(this.node, target);
        return verdict.ok ? undefined : verdict.reason;
      }),
    );
  }

  /** The named targets this read serves: an agent cannot widen a read nor speak for another node. */
  get targets(): TargetRef[] {
    return this.named.filter((_, index) => this.refusals[index] === undefined);
  }

  /** The page's records of served targets; the others counted by reason. */
  private served(page: readonly BacklogTuple[]): LogRecord[] {
    const records: LogRecord[] = [];
    for (const [ts, stream, line, cursor, index] of page) {
      const target = this.named[index];
      const refusal = target === undefined ? 'unselected' : this.refusals[index];
      if (target !== undefined && refusal === undefined) records.push({ ts, stream, line, cursor, target });
      else if (refusal !== 'unselected' && refusal !== undefined) this.binding.count(refusal, 1);
    }
    return records;
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
      const records = this.served(page);
      if (records.length > 0) yield records;
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
