// The `query` log source: a node's own logs (journal units, files under /var/log) through the
// kubelet's Node Log Query, behind the apiserver's node proxy. Authorizers judge `nodes/log` of
// the node; the gateway's identity needs get on nodes/proxy.
import type { KubeTransport } from '@tailgate/kube';
import {
  type AccessScope,
  type Backlog,
  type BacklogOptions,
  dateToEpochNanos,
  InputError,
  isPluginError,
  type LogRecord,
  type LogSource,
  pagesOf,
  type PluginLogger,
  type SourceEvent,
  type StreamContext,
} from '@tailgate/plugin-sdk';

import { NodeLogClient } from './node-log-client';
import { MESSAGES } from './node-log-errors';
import { NodeLogReader, secondOf } from './node-log-reader';
import { hasOptions, isFileQuery, nodeLogScope, type NodeLogSelector, NodeLogSelectorSchema, nodeLogStreamKey } from './node-log-selector';
import { baseRequest, fileRecord, journalRecords, nodeLogEvents, targetOf, withinWindow } from './node-log-stream';
import type { NodeLogsConfig } from './node-logs-config';

const MAX_RETRY_DELAY_MS = 30_000;
/** How far back a backlog may reach: the kubelet's answer is read whole (see backlog()). */
const MAX_SINCE_MS = 3_600_000;

export class NodeLogSource implements LogSource<NodeLogSelector> {
  readonly name = 'query';
  readonly description =
    "A node's own logs through the kubelet's Node Log Query: journal units such as kubelet or containerd, or a file under /var/log; followed by asking again.";
  readonly selector = NodeLogSelectorSchema;
  readonly backlogLimits = { maxSinceMs: MAX_SINCE_MS };
  private readonly client: NodeLogClient;

  constructor(
    transport: Pick<KubeTransport, 'stream'>,
    private readonly config: NodeLogsConfig,
  ) {
    this.client = new NodeLogClient(transport, {
      retries: config.retries,
      initialDelayMs: config.retryDelayMs,
      maxDelayMs: Math.max(config.retryDelayMs, MAX_RETRY_DELAY_MS),
    });
  }

  streamKey(selector: NodeLogSelector): string {
    return nodeLogStreamKey(selector);
  }

  scope(selector: NodeLogSelector): readonly AccessScope[] {
    return nodeLogScope(selector);
  }

  /**
   * The query narrowed by the listener's tail (fewest of both) and since (latest of both). The
   * kubelet answers a query whole, so it is asked when the first page is taken and held while
   * its pages are: `backlogLimits` keeps that answer to an hour of journal.
   */
  async backlog(selector: NodeLogSelector, options: BacklogOptions, ctx: StreamContext): Promise<Backlog> {
    const target = targetOf(selector);
    if ((options.tail === undefined && options.since === undefined) || options.tail === 0) return { targets: [target], pages: pagesOf([]) };
    return { targets: [target], pages: this.backlogPages(selector, options, ctx) };
  }

  open(selector: NodeLogSelector, ctx: StreamContext): AsyncIterable<SourceEvent> {
    const reader = new NodeLogReader(this.client, selector, ctx.logger);
    return guarded(nodeLogEvents(reader, selector, this.config, ctx.signal), selector, ctx);
  }

  private async *backlogPages(
    selector: NodeLogSelector,
    options: BacklogOptions,
    ctx: StreamContext,
  ): AsyncGenerator<readonly LogRecord[]> {
    let records: LogRecord[];
    try {
      records = await this.readBacklog(selector, options, ctx);
    } catch (error) {
      if (!ctx.signal.aborted) report(error, selector, ctx.logger);
      throw error;
    }
    yield* pagesOf(records, this.config.maxBatchRecords);
  }

  private async readBacklog(selector: NodeLogSelector, options: BacklogOptions, ctx: StreamContext): Promise<LogRecord[]> {
    const reader = new NodeLogReader(this.client, selector, ctx.logger);
    const target = targetOf(selector);
    if (!isFileQuery(selector)) {
      const sinceMs = latest(selector.sinceTime === undefined ? undefined : Date.parse(selector.sinceTime), options.since?.getTime());
      const tailLines = fewest(selector.tailLines, options.tail);
      const sinceTime = sinceMs === undefined ? undefined : secondOf(sinceMs);
      const read = await reader.journal({ ...baseRequest(selector), sinceTime, tailLines }, ctx.signal);
      if (read.kind === 'journal') {
        // journalctl reads whole seconds; `since` is finer.
        const sinceNanos = options.since === undefined ? undefined : dateToEpochNanos(options.since);
        return journalRecords(
          selector,
          withinWindow(read.lines, selector).filter((line) => sinceNanos === undefined || line.epochNanos >= sinceNanos),
        );
      }
      if (hasOptions(selector)) throw new InputError(MESSAGES.resolvedToFiles);
    }
    // A file has no times: its lines carry the time of reading, so `since` cannot narrow it.
    const lines = await reader.snapshot(ctx.signal);
    const from = options.tail === undefined ? 0 : Math.max(0, lines.length - options.tail);
    const readAt = new Date().toISOString();
    return lines.slice(from).map((text, i) => fileRecord(target, readAt, { index: from + i, text }));
  }
}

async function* guarded(events: AsyncIterable<SourceEvent>, selector: NodeLogSelector, ctx: StreamContext): AsyncGenerator<SourceEvent> {
  try {
    yield* events;
  } catch (error) {
    // Aborted: nobody listens any more; the request's failure is the abort, not the node's.
    if (ctx.signal.aborted) return;
    report(error, selector, ctx.logger);
    throw error;
  }
}

/** Logged once, at the edge: the code and our own message, never the kubelet's text. */
function report(error: unknown, selector: NodeLogSelector, logger: PluginLogger): void {
  if (isPluginError(error)) logger.warn({ node: selector.node, code: error.code, details: error.details }, error.message);
  else logger.error({ node: selector.node, err: error instanceof Error ? error.name : 'unknown' }, 'node log query failed');
}

function latest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function fewest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
