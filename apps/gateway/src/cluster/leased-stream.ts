// One stream's claim when replicas share Redis (DESIGN §4): the I/O around lease-step, which
// decides. It feeds the step its beat, this replica's demand and what Redis, the bus and the
// upstream answered, and carries out the actions: lease scripts, announce requests, the upstream
// with its grant, timers, metrics and logs. A holder that dies is replaced by a replica with
// demand once its lease expires, and the new holder resumes after the cursors the old one published.
import type { LogBus, Unsubscribe } from '@tailgate/bus';
import type { PluginLogger } from '@tailgate/plugin-sdk';

import type { BusFrame } from '../model/bus-message';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { canResume } from '../model/can-resume';
import { errorName } from '../model/error-name';
import type { StreamDescriptor } from '../model/stream-descriptor';
import {
  heldLease,
  initialLeaseState,
  type LeaseAction,
  type LeaseEvent,
  type LeaseNote,
  type LeaseState,
  leaseValid,
} from './lease-state';
import { leaseStep } from './lease-step';
import type { StreamLease } from './lease-tick';
import type { RedisStreamLeases } from './redis-stream-leases';
import type { StreamClaim, UpstreamGrant, UpstreamRunner } from './stream-claim';
import type { StreamLeaseKeys } from './stream-lease-keys';

export interface LeasedStreamContext {
  readonly leases: RedisStreamLeases;
  /** Carries requests to announce targets again (see UpstreamGrant.onAnnounceRequest). */
  readonly bus: LogBus<BusFrame>;
  readonly leaseTtlMs: number;
  /** How long the holder keeps the upstream after no replica has demand. */
  readonly idleGraceMs: number;
  readonly metrics: GatewayMetrics;
  readonly logger: PluginLogger;
}

interface RunningUpstream {
  readonly controller: AbortController;
  done: Promise<void>;
}

export class LeasedStream implements StreamClaim {
  private readonly keys: StreamLeaseKeys;
  private readonly beat: NodeJS.Timeout;
  private state: LeaseState;
  /** Events that came while actions ran; each is stepped after the one before. */
  private readonly events: LeaseEvent[] = [];
  private stepping = false;
  /** The last upstream started, until it ends. */
  private upstream: RunningUpstream | undefined;
  /** The running upstream's way to announce its targets again. */
  private announce: (() => void) | undefined;
  private stopHearing: Unsubscribe | undefined;
  private idleCheck: NodeJS.Timeout | undefined;
  private readonly stopped: Promise<void>;
  private onStopped: () => void = () => undefined;
  /** The cursor write on its way, and what was published since (see record). */
  private writingCursors: Promise<void> | undefined;
  private nextCursors: { readonly lease: StreamLease; readonly cursors: Map<string, string> } | undefined;
  /** Whether the claim since this replica's demand last appeared has come to a result (see live). */
  private claimSettled = false;
  private readonly liveWaiters = new Set<() => void>();

  constructor(
    private readonly stream: StreamDescriptor,
    private readonly run: UpstreamRunner,
    private readonly onClosed: () => void,
    private readonly ctx: LeasedStreamContext,
  ) {
    this.keys = ctx.leases.keysOf(stream.key);
    this.state = initialLeaseState({ leaseTtlMs: ctx.leaseTtlMs, idleGraceMs: ctx.idleGraceMs });
    this.stopped = new Promise((resolve) => (this.onStopped = resolve));
    this.beat = setInterval(() => this.feed({ type: 'beat', now: Date.now() }), Math.floor(ctx.leaseTtlMs / 3));
    this.beat.unref();
  }

  want(wanted: boolean): void {
    if (wanted) this.claimSettled = false;
    this.feed({ type: 'want', wanted, now: Date.now() });
  }

  /**
   * The upstream starts one lease round trip after the first listener's demand, at the end of its
   * files: until then, lines written would be skipped. Bounded by the lease TTL, in case no answer
   * ever comes (the beat then goes on trying, as for any claim).
   */
  live(): Promise<void> {
    if (this.claimSettled || heldLease(this.state)?.running === true) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const wake = (): void => {
        clearTimeout(timer);
        this.liveWaiters.delete(wake);
        resolve();
      };
      timer = setTimeout(wake, this.ctx.leaseTtlMs);
      timer.unref();
      this.liveWaiters.add(wake);
    });
  }

  /** Stops the upstream after its last publish, then gives the lease back at once, keeping the resume cursors. */
  shutdown(): Promise<void> {
    this.feed({ type: 'stop' });
    return this.stopped;
  }

  private feed(event: LeaseEvent): void {
    this.events.push(event);
    if (this.stepping) return;
    this.stepping = true;
    try {
      for (let next = this.events.shift(); next; next = this.events.shift()) {
        const { state, actions } = leaseStep(this.state, next);
        this.state = state;
        for (const action of actions) this.perform(action);
        if (state.phase === 'stopped') this.onStopped();
        if (settlesClaim(next, state)) this.settleClaim();
      }
    } finally {
      this.stepping = false;
    }
  }

  private settleClaim(): void {
    this.claimSettled = true;
    for (const wake of [...this.liveWaiters]) wake();
  }

  private perform(action: LeaseAction): void {
    switch (action.do) {
      case 'tick':
        return this.answer(this.ctx.leases.tick(this.keys, action.wants, action.held), (tick, now) => ({ type: 'ticked', tick, now }));
      case 'release': {
        // After the cursors recorded so far, as when each went out on its own before it.
        const options = { forget: action.forget, ifIdle: action.ifIdle };
        const released = this.cursorsWritten().then(() => this.ctx.leases.release(this.keys, action.lease, options));
        return this.answer(released, (outcome, now) => ({ type: 'released', outcome, now }));
      }
      case 'hear-requests':
        return this.answer(this.hear(), (_, now) => ({ type: 'hearing', now }));
      case 'stop-hearing':
        return this.unhear();
      case 'ask-for-targets':
        return this.answer(this.ctx.bus.publish(this.keys.announceRequests, 'targets'), (_, now) => ({ type: 'asked', now }));
      case 'announce':
        return this.announce?.();
      case 'start-upstream':
        return this.start(action.lease, action.resumeAfter);
      case 'stop-upstream':
        return this.upstream?.controller.abort();
      case 'check-idle':
        clearTimeout(this.idleCheck);
        this.idleCheck = setTimeout(() => {
          this.idleCheck = undefined;
          this.feed({ type: 'beat', now: Date.now() });
        }, action.inMs).unref();
        return;
      case 'cancel-idle-check':
        clearTimeout(this.idleCheck);
        this.idleCheck = undefined;
        return;
      case 'note':
        return this.note(action.what);
      case 'report':
        return this.report(action.operation, action.error);
      case 'hand-over':
        return void this.handOver(action.lease, action.withdraw).then((error) => this.feed({ type: 'handed-over', error }));
      case 'close':
        clearInterval(this.beat);
        clearTimeout(this.idleCheck);
        return this.onClosed();
    }
  }

  /** Feeds what `io` answers back to the step; the step always hears of a failure. */
  private answer<T>(io: Promise<T>, answered: (result: T, now: number) => LeaseEvent): void {
    void io.then(
      (result) => this.feed(answered(result, Date.now())),
      (error: unknown) => this.feed({ type: 'failed', error, now: Date.now() }),
    );
  }

  private async hear(): Promise<void> {
    this.stopHearing = await this.ctx.bus.subscribe(this.keys.announceRequests, () => this.announce?.());
  }

  private unhear(): void {
    this.announce = undefined;
    this.stopHearing?.().catch((error: unknown) =>
      this.feed({ type: 'background-failed', operation: 'stop hearing announce requests', error }),
    );
    this.stopHearing = undefined;
  }

  private start(lease: StreamLease, lastCursors: ReadonlyMap<string, string>): void {
    const resumable = canResume(this.stream.source.source);
    const grant: UpstreamGrant = {
      fence: lease.token,
      resumeAfter: resumable ? lastCursors : new Map(),
      isValid: () => leaseValid(this.state, lease, Date.now()),
      ...(resumable && { published: (cursors: ReadonlyMap<string, string>) => this.record(lease, cursors) }),
      onAnnounceRequest: (announce) => {
        if (heldLease(this.state)?.lease === lease) this.announce = announce;
      },
    };
    const upstream: RunningUpstream = { controller: new AbortController(), done: Promise.resolve() };
    this.upstream = upstream;
    upstream.done = this.run(grant, upstream.controller.signal).then((reason) => {
      if (this.upstream === upstream) this.upstream = undefined;
      this.feed({ type: 'upstream-ended', lease, reason, now: Date.now() });
    });
  }

  /** Shutdown's I/O: the upstream's last publish, then the lease and demand given up; the error, if any. */
  private async handOver(lease: StreamLease | undefined, withdraw: boolean): Promise<unknown> {
    const upstream = this.upstream;
    upstream?.controller.abort();
    await upstream?.done;
    // The successor resumes after the last cursors written: all of them go before the lease.
    await this.cursorsWritten();
    try {
      if (lease) await this.ctx.leases.release(this.keys, lease, { forget: false, ifIdle: false });
      if (withdraw) await this.ctx.leases.tick(this.keys, false, undefined);
      return undefined;
    } catch (error) {
      return error;
    }
  }

  /**
   * One cursor write on its way at a time: the batches published meanwhile merge into the next
   * (a later cursor of a target replaces an earlier one), so a busy stream writes its cursors once
   * per Redis round trip rather than once per batch. Hand-over waits for the last (cursorsWritten).
   */
  private record(lease: StreamLease, cursors: ReadonlyMap<string, string>): void {
    const next = this.nextCursors;
    if (next && next.lease === lease) {
      for (const [key, cursor] of cursors) next.cursors.set(key, cursor);
      return;
    }
    if (this.writingCursors) {
      if (next) void this.writeCursors(next.lease, next.cursors);
      this.nextCursors = { lease, cursors: new Map(cursors) };
      return;
    }
    this.writingCursors = this.writeCursors(lease, cursors).finally(() => this.writeNextCursors());
  }

  private writeNextCursors(): void {
    const next = this.nextCursors;
    this.nextCursors = undefined;
    this.writingCursors = next ? this.writeCursors(next.lease, next.cursors).finally(() => this.writeNextCursors()) : undefined;
  }

  private async writeCursors(lease: StreamLease, cursors: ReadonlyMap<string, string>): Promise<void> {
    try {
      await this.ctx.leases.recordCursors(this.keys, lease, cursors);
    } catch (error) {
      this.feed({ type: 'background-failed', operation: 'record cursors', error });
    }
  }

  /** Resolves once every cursor recorded so far is written (or failed). */
  private async cursorsWritten(): Promise<void> {
    while (this.writingCursors) await this.writingCursors;
  }

  private note(what: LeaseNote): void {
    const { metrics, logger } = this.ctx;
    if (what === 'acquired') metrics.leasesHeld.inc();
    if (what === 'dropped') metrics.leasesHeld.dec();
    if (what === 'lost' || what === 'handed-back') metrics.leaseLosses.inc();
    if (what === 'lost') logger.warn({ stream: this.stream.id }, 'lost the lease of a stream; its upstream stops here');
    if (what !== 'took-over') return;
    metrics.takeovers.inc();
    logger.info({ stream: this.stream.id }, 'took over a stream another replica was running');
  }

  private report(operation: string, error: unknown): void {
    this.ctx.logger.warn({ stream: this.stream.id, operation, err: errorName(error) }, 'stream lease step failed');
  }
}

/**
 * Whether the claim came to a result that listeners need not wait past: the upstream runs here
 * (opened synchronously when started), another replica holds the stream (its upstream runs),
 * there is nothing to take, the attempt failed, or the claim is ending.
 */
function settlesClaim(event: LeaseEvent, state: LeaseState): boolean {
  if (heldLease(state)?.running === true) return true;
  if (event.type === 'ticked') return event.tick.state !== 'acquired';
  if (event.type === 'failed') return true;
  return state.phase === 'handing-over' || state.phase === 'closed' || state.phase === 'stopped';
}
