// The `pods` log source: live CRI logs and backlogs from a /var/log/pods-style directory.
import {
  type AccessScope,
  type Backlog,
  type BacklogOptions,
  type LogRecord,
  type LogSource,
  mergeOldestFirst,
  pagesOf,
  type SourceEvent,
  type StreamContext,
  targetKey,
} from '@tailgate/plugin-sdk';
import {
  containerBacklog,
  dateToEpochNanos,
  PodDirectoryScanner,
  podScope,
  type PodSelector,
  PodSelectorSchema,
  podStreamKey,
  SharedDirectoryListing,
} from '@tailgate/cri-logs';

import type { NodeFileConfig } from './node-file-config';
import { NodeFileStream } from './node-file-stream';

export class NodeFileSource implements LogSource<PodSelector> {
  readonly name = 'pods';
  readonly description = 'Container logs read from the CRI log files under a /var/log/pods-style directory.';
  readonly selector = PodSelectorSchema;
  /** Cursors come from the log content alone (see cri-cursor), so they survive gateway restarts. */
  readonly resumable = true;

  /** The root's listing, shared by this source's streams (each rescans it every `scanIntervalMs`). */
  private readonly rootListing: SharedDirectoryListing;

  constructor(private readonly config: NodeFileConfig) {
    this.rootListing = new SharedDirectoryListing(config.root, config.scanIntervalMs / 2);
  }

  streamKey(selector: PodSelector): string {
    return podStreamKey(selector);
  }

  scope(selector: PodSelector): readonly AccessScope[] {
    return podScope(selector);
  }

  /** One read per container, merged oldest first; each reads a chunk when the merge needs one. */
  async backlog(selector: PodSelector, options: BacklogOptions, ctx: StreamContext): Promise<Backlog> {
    const dirs = await new PodDirectoryScanner(this.config.root, selector).scan();
    const targets = dirs.map((dir) => dir.target);
    const { tail, since, after } = options;
    if (tail === undefined && since === undefined && after === undefined) return { targets, pages: pagesOf([]) };
    const reads = dirs.flatMap((dir) => {
      // Resuming, a target the client never saw continues after `otherwise`, or not at all.
      const afterCursor = after && (after.byTarget.get(targetKey(dir.target)) ?? after.otherwise);
      if (after && afterCursor === undefined) return [];
      const window = { tail, sinceNanos: since && dateToEpochNanos(since), after: afterCursor };
      return [containerBacklog(dir, window, this.config, ctx.signal)];
    });
    return { targets, pages: closedOnAbort(mergeOldestFirst(reads, this.config.maxBatchRecords), ctx.signal) };
  }

  /** Starts where the selected files end now (synchronously, so no write races the first read). */
  open(selector: PodSelector, ctx: StreamContext): AsyncIterable<SourceEvent> {
    return runStream(new NodeFileStream(selector, this.config, ctx.logger, this.rootListing), ctx.signal);
  }
}

/**
 * Pages whose read closes its files when `signal` aborts, not only when a page is next asked for:
 * a host that gives up on a read (a step timed out) aborts it without asking again.
 */
async function* closedOnAbort(pages: AsyncGenerator<readonly LogRecord[]>, signal: AbortSignal): AsyncGenerator<readonly LogRecord[]> {
  const close = (): void => void pages.return(undefined).catch(() => undefined);
  signal.addEventListener('abort', close, { once: true });
  try {
    signal.throwIfAborted();
    yield* pages;
    // Closed by the abort: the read failed, it did not end.
    signal.throwIfAborted();
  } finally {
    signal.removeEventListener('abort', close);
  }
}

async function* runStream(stream: NodeFileStream, signal: AbortSignal): AsyncGenerator<SourceEvent> {
  try {
    while (!signal.aborted) {
      const { events, busy } = await stream.step();
      for (const event of events) {
        if (signal.aborted) return;
        yield event;
      }
      if (!busy) await stream.wait(signal);
    }
  } finally {
    await stream.close();
  }
}
