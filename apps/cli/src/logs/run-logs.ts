// One `tailgate logs` run against a gateway: choose the source, subscribe, and turn events into
// output — records on stdout (one write per batch, waiting for a full pipe), `+`/`-` lines and
// notices on stderr — until the stream ends, stdout's reader goes away, or the user interrupts.
import type { Writable } from 'node:stream';

import { type Subscription, type SubscriptionEvent, type TailgateClient, TailgateError, targetKey } from '@tailgate/client';
import type { EndReason, WireTarget } from '@tailgate/contracts';

import { CliError } from '../cli-error';
import { EXIT_CODES, exitCodeForError, type ExitCode } from '../exit-codes';
import { targetMarker } from '../output/target-marker';
import { protocolDuration } from './go-duration';
import type { LogsOutput } from './logs-output';
import type { LogsSettings } from './logs-settings';
import { describeError, endNotice, noticeFor } from './notices';
import type { OutputSink } from './output-sink';
import { chooseSource, planSubscription, type SubscriptionPlan } from './subscription-plan';
import { TargetFilter } from './target-filter';

export interface LogsRunContext {
  readonly client: TailgateClient;
  readonly settings: LogsSettings;
  readonly output: LogsOutput;
  readonly sink: OutputSink;
  readonly stderr: Writable;
  /** Aborted on SIGINT: unsubscribe and end with 130. */
  readonly interrupt: AbortSignal;
}

/** Resolves with the exit code of a run that ended as it should; throws CliError otherwise. */
export async function runLogs(ctx: LogsRunContext): Promise<ExitCode> {
  const { client, settings } = ctx;
  const sources = await guard(client.sourcesList());
  const plan = planSubscription(settings, chooseSource(sources, settings.source));
  const subscription = await guard(subscribe(client, plan, settings.since.explicit));
  const stop = (): void => void subscription.unsubscribe().catch(() => undefined);
  ctx.interrupt.addEventListener('abort', stop, { once: true });
  void ctx.sink.whenClosed().then(stop);
  try {
    return await consume(ctx, subscription);
  } finally {
    ctx.interrupt.removeEventListener('abort', stop);
  }
}

async function consume(ctx: LogsRunContext, subscription: Subscription): Promise<ExitCode> {
  const { output, sink, stderr, settings } = ctx;
  const filter = new TargetFilter(settings);
  const markers = new TargetMarkers(ctx);
  let shown = false;
  let denied = 0;
  let hidden = 0;
  for await (const event of subscription) {
    switch (event.type) {
      case 'records': {
        let text = '';
        for (const record of event.records) {
          if (!filter.accepts(record)) continue;
          shown = true;
          markers.started(record);
          text += output.renderer.render(record);
        }
        await sink.write(text);
        break;
      }
      case 'target':
        if (!filter.accepts(event.target)) break;
        shown = true;
        if (event.op === 'added') markers.started(event.target);
        else markers.stopped(event.target);
        break;
      case 'denied':
        if (!filter.accepts(event.target)) break;
        denied += 1;
        stderr.write(noticeFor(event) ?? '');
        break;
      case 'hidden':
        // Containers the user may neither read nor learn the names of: denied too, only unnamed.
        hidden = event.count;
        stderr.write(noticeFor(event) ?? '');
        break;
      case 'ended':
        return endedExit(ctx, event, shown || denied + hidden === 0);
      default:
        stderr.write(noticeFor(event) ?? '');
    }
  }
  return EXIT_CODES.ok;
}

/**
 * The `+`/`-` lines, once per container start: on `target added`, or on a container's first record
 * when the source announces none (a backlog with --no-follow), as stern prints one per container it tails.
 */
class TargetMarkers {
  private readonly live = new Set<string>();

  constructor(private readonly ctx: LogsRunContext) {}

  started(target: WireTarget): void {
    const key = targetKey(target);
    if (this.live.has(key)) return;
    this.live.add(key);
    this.print('added', target);
  }

  stopped(target: WireTarget): void {
    this.live.delete(targetKey(target));
    this.print('removed', target);
  }

  private print(op: 'added' | 'removed', target: WireTarget): void {
    const { settings, output, stderr } = this.ctx;
    if (!settings.onlyLogLines) stderr.write(targetMarker(op, target, output.showNamespace, output.picker, output.colors));
  }
}

function endedExit(ctx: LogsRunContext, event: Extract<SubscriptionEvent, { type: 'ended' }>, sawAnything: boolean): ExitCode {
  if (ctx.sink.error) throw new CliError(`cannot write to stdout (${ctx.sink.error.code ?? 'error'})`);
  if (ctx.sink.closed) return EXIT_CODES.ok;
  if (ctx.interrupt.aborted) return EXIT_CODES.interrupted;
  if (event.error !== undefined) throw asCliError(event.error);
  const notice = endNotice(event.reason);
  if (notice !== undefined) throw new CliError(notice, END_EXITS[event.reason]);
  if (!sawAnything) throw new CliError('every matching container was denied', EXIT_CODES.forbidden);
  return EXIT_CODES.ok;
}

const END_EXITS: Readonly<Record<EndReason, ExitCode>> = {
  complete: EXIT_CODES.ok,
  unsubscribed: EXIT_CODES.ok,
  upstream_failed: EXIT_CODES.error,
  access_revoked: EXIT_CODES.forbidden,
  unauthenticated: EXIT_CODES.unauthenticated,
  shutdown: EXIT_CODES.unavailable,
};

/**
 * Subscribes; when our default --since reaches back further than this server allows, once more
 * with the server's limit (a --since the user chose is never shortened).
 */
async function subscribe(client: TailgateClient, plan: SubscriptionPlan, sinceExplicit: boolean): Promise<Subscription> {
  const request = {
    source: plan.source.id,
    selector: plan.selector,
    follow: plan.follow,
    ...(plan.tail !== undefined && { tail: plan.tail }),
  };
  try {
    return await client.subscribe({ ...request, ...(plan.since !== undefined && { since: plan.since }) });
  } catch (error) {
    const maxSinceMs = error instanceof TailgateError ? error.details?.['maxSinceMs'] : undefined;
    if (sinceExplicit || plan.since === undefined || typeof maxSinceMs !== 'number' || maxSinceMs <= 0) throw error;
    return client.subscribe({ ...request, since: protocolDuration(Math.floor(maxSinceMs)) });
  }
}

/** A protocol error becomes a CliError with its details spelled out and its exit code. */
async function guard<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw error instanceof TailgateError ? asCliError(error) : error;
  }
}

export function asCliError(error: TailgateError): CliError {
  return new CliError(describeError(error), exitCodeForError(error.code));
}
