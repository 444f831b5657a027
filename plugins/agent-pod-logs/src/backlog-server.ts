// The node side of backlog reads: what a container's files still hold (tail, since, or after the
// cursors of a resume), read with node-file's containerBacklog (so cursors match the live tail),
// merged oldest first, filtered like the live records, and published a page per credit the
// gateway grants — a reader that stops granting holds at most its credit in flight, and a read not
// granted within its ttl is closed (files released). Bounded: reads at once, containers per read.
import { type BacklogWindow, containerBacklog, type ContainerLogDir, type TailerOptions } from '@tailgate/cri-logs';
import { type LogRecord, mergeOldestFirst, targetKey } from '@tailgate/plugin-sdk';

import { batchesChannel } from './agent-channels';
import {
  type AgentMessage,
  type BacklogEndCode,
  type BacklogRequest,
  type BacklogTuple,
  type ContainerTarget,
  MAX_CREDIT,
} from './agent-messages';
import { cutBySize, type DistributiveOmit } from './agent-message-encoding';
import { applyLineFilter, compileLineFilter, type LineFilter } from './line-filter';

/** Records per page read from the merge. */
const PAGE_RECORDS = 500;

export interface BacklogServerOptions {
  readonly nodeName: string;
  readonly read: TailerOptions;
  readonly maxContainersPerDemand: number;
  /** Most reads at once. */
  readonly maxReads: number;
  readonly maxBatchBytes: number;
}

export interface BacklogServerDeps {
  /** The node's containers a selector matches, first ones by path, at most maxContainersPerDemand. */
  select(request: BacklogRequest): Promise<readonly ContainerLogDir[]>;
  send(channel: string, body: DistributiveOmit<AgentMessage, 'v' | 'node'>): Promise<void>;
  now(): number;
}

interface Read {
  readonly request: BacklogRequest;
  readonly channel: string;
  readonly pages: AsyncIterator<readonly LogRecord[]>;
  readonly abort: AbortController;
  readonly filter: LineFilter | undefined;
  readonly index: ReadonlyMap<string, number>;
  credit: number;
  expiresAt: number;
  pumping: boolean;
}

export class BacklogServer {
  private readonly reads = new Map<string, Read>();

  constructor(
    private readonly options: BacklogServerOptions,
    private readonly deps: BacklogServerDeps,
  ) {}

  get size(): number {
    return this.reads.size;
  }

  async start(request: BacklogRequest): Promise<void> {
    if (this.reads.has(request.run)) return;
    const channel = batchesChannel(request.run);
    if (this.reads.size >= this.options.maxReads) return this.deps.send(channel, { t: 'backlog-end', code: 'too_many_demands' });
    const dirs = await this.deps.select(request);
    await this.deps.send(channel, { t: 'backlog-targets', targets: dirs.map(targetOf) });
    const abort = new AbortController();
    const inputs = dirs.flatMap((dir) => {
      const window = windowFor(request, dir);
      return window ? [containerBacklog(dir, window, this.options.read, abort.signal)] : [];
    });
    const read: Read = {
      request,
      channel,
      pages: mergeOldestFirst(inputs, PAGE_RECORDS)[Symbol.asyncIterator](),
      abort,
      filter: compileLineFilter(request.filter),
      index: new Map(dirs.map((dir, i) => [targetKey(dir.target), i])),
      credit: request.credit,
      expiresAt: this.deps.now() + request.ttlMs,
      pumping: false,
    };
    this.reads.set(request.run, read);
    await this.pump(read);
  }

  async credit(run: string, pages: number): Promise<void> {
    const read = this.reads.get(run);
    if (!read) return;
    read.credit = Math.min(read.credit + pages, MAX_CREDIT);
    read.expiresAt = this.deps.now() + read.request.ttlMs;
    await this.pump(read);
  }

  async cancel(run: string): Promise<void> {
    const read = this.reads.get(run);
    if (read) await this.close(read);
  }

  /** Closes reads whose gateway stopped granting credit. */
  async sweep(): Promise<void> {
    const now = this.deps.now();
    for (const read of [...this.reads.values()]) if (read.expiresAt <= now) await this.end(read, 'expired');
  }

  async closeAll(): Promise<void> {
    for (const read of [...this.reads.values()]) await this.close(read);
  }

  private async pump(read: Read): Promise<void> {
    if (read.pumping) return;
    read.pumping = true;
    try {
      while (read.credit > 0 && this.reads.get(read.request.run) === read) {
        const next = await read.pages.next();
        if (next.done === true) return await this.end(read);
        const kept = applyLineFilter(next.value, read.filter);
        if (kept.length === 0) continue;
        const tuple = (r: LogRecord): BacklogTuple => [r.ts, r.stream, r.line, r.cursor, read.index.get(targetKey(r.target)) ?? 0];
        for (const records of cutBySize(kept, this.options.maxBatchBytes, tuple))
          await this.deps.send(read.channel, { t: 'backlog-page', records });
        read.credit--;
      }
    } catch {
      await this.end(read, 'unreadable');
    } finally {
      read.pumping = false;
    }
  }

  private async end(read: Read, code?: BacklogEndCode): Promise<void> {
    if (this.reads.get(read.request.run) !== read) return;
    await this.close(read);
    await this.deps.send(read.channel, code === undefined ? { t: 'backlog-end' } : { t: 'backlog-end', code });
  }

  private async close(read: Read): Promise<void> {
    if (this.reads.get(read.request.run) !== read) return;
    this.reads.delete(read.request.run);
    read.abort.abort();
    await read.pages.return?.().catch(() => undefined);
  }
}

/** The window of one container; undefined when a resume gives it nothing (as node-file does). */
function windowFor(request: BacklogRequest, dir: ContainerLogDir): BacklogWindow | undefined {
  const { tail, sinceNanos, after } = request.window;
  const afterCursor = after && (after.byTarget[targetKey(dir.target)] ?? after.otherwise);
  if (after && afterCursor === undefined) return undefined;
  return {
    ...(tail !== undefined && { tail }),
    ...(sinceNanos !== undefined && { sinceNanos }),
    ...(afterCursor !== undefined && { after: afterCursor }),
  };
}

export function targetOf(dir: ContainerLogDir): ContainerTarget {
  const { namespace, pod, container } = dir.target;
  return { namespace, pod, container };
}
