// One stream's claim when replicas share Redis (DESIGN §4): a replica with listeners registers
// its demand and tries for the stream's lease every third of the lease TTL; the holder runs the
// upstream for every replica, renews the lease on the same beat, and gives it back a grace period
// after no replica anywhere has demand. A holder that dies is replaced by a replica with demand
// once its lease expires, and the new holder resumes after the cursors the old one published.
import type { LogBus, Unsubscribe } from '@tailgate/bus';
import type { PluginLogger } from '@tailgate/plugin-sdk';

import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { StreamDescriptor } from '../streams/stream-descriptor';
import { canResume } from '../streams/can-resume';
import type { LeaseTick, StreamLease } from './lease-tick';
import type { RedisStreamLeases } from './redis-stream-leases';
import type { StreamClaim, UpstreamGrant, UpstreamRunner } from './stream-claim';
import type { StreamLeaseKeys } from './stream-lease-keys';

export interface LeasedStreamContext {
  readonly leases: RedisStreamLeases;
  /** Carries requests to announce targets again (see UpstreamGrant.onAnnounceRequest). */
  readonly bus: LogBus;
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
  private wanted = false;
  private lease: StreamLease | undefined;
  /** The lease is surely ours until then: its last confirmed renewal's send time plus the TTL. */
  private validUntil = 0;
  private upstream: RunningUpstream | undefined;
  /** The running upstream's way to announce its targets again. */
  private announce: (() => void) | undefined;
  private stopAnnouncing: Unsubscribe | undefined;
  /** Listeners came while another replica holds the stream: ask it for its targets. */
  private askForTargets = false;
  /** The upstream ended by itself (complete, failed): the stream ends here for every replica. */
  private ended = false;
  private idleSince: number | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private stepping: Promise<void> | undefined;
  private stepAgain = false;
  private stopping = false;
  private closed = false;
  private failing = false;

  constructor(
    private readonly stream: StreamDescriptor,
    private readonly run: UpstreamRunner,
    private readonly onClosed: () => void,
    private readonly ctx: LeasedStreamContext,
  ) {
    this.keys = ctx.leases.keysOf(stream.key);
    this.beat = setInterval(() => this.step(), Math.floor(ctx.leaseTtlMs / 3));
    this.beat.unref();
  }

  want(wanted: boolean): void {
    this.wanted = wanted;
    // This replica's fan-out may be new: it has to hear the targets announced before it came.
    if (wanted && this.lease) this.announce?.();
    this.askForTargets = wanted && !this.lease;
    this.step();
  }

  /** Stops the upstream after its last publish, then gives the lease back at once, keeping the resume cursors. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    await this.stepping;
    const upstream = this.upstream;
    upstream?.controller.abort();
    await upstream?.done;
    try {
      if (this.lease) await this.ctx.leases.release(this.keys, this.lease, { forget: false, ifIdle: false });
      if (this.wanted) await this.ctx.leases.tick(this.keys, false, undefined);
    } catch (error) {
      this.report(error, 'hand over');
    }
    if (this.lease) this.dropLease();
    this.close();
  }

  /** One lease step at a time; a step asked for meanwhile runs right after. */
  private step(): void {
    if (this.closed || this.stopping) return;
    if (this.stepping) {
      this.stepAgain = true;
      return;
    }
    this.stepping = this.stepOnce()
      .catch((error: unknown) => this.report(error, 'lease step'))
      .finally(() => {
        this.stepping = undefined;
        if (!this.stepAgain) return;
        this.stepAgain = false;
        this.step();
      });
  }

  private async stepOnce(): Promise<void> {
    if (this.ended) return this.finish();
    const sentAt = Date.now();
    let tick: LeaseTick;
    try {
      tick = await this.ctx.leases.tick(this.keys, this.wanted, this.lease);
      this.failing = false;
    } catch (error) {
      this.report(error, 'lease step');
      // Without word from Redis, the lease is only ours until it would have expired.
      if (this.lease && Date.now() >= this.validUntil) this.lose();
      return;
    }
    if (tick.state === 'acquired') return this.acquired(tick, sentAt);
    if (tick.state === 'lost') return this.lose();
    if (tick.state === 'busy' && this.askForTargets) {
      this.askForTargets = false;
      await this.ctx.bus.publish(this.keys.announceRequests, 'targets');
    }
    if (tick.state !== 'held' || !this.lease) return this.closeIfDone();
    this.validUntil = sentAt + this.ctx.leaseTtlMs;
    // Its upstream stopped publishing (the lease looked expired): the next holder resumes properly.
    if (!this.upstream) return this.handBack(this.lease);
    return this.checkDemand(tick.demand);
  }

  private async acquired(tick: Extract<LeaseTick, { state: 'acquired' }>, sentAt: number): Promise<void> {
    this.lease = tick.lease;
    this.validUntil = sentAt + this.ctx.leaseTtlMs;
    this.ctx.metrics.leasesHeld.inc();
    if (tick.handover) {
      this.ctx.metrics.takeovers.inc();
      this.ctx.logger.info({ stream: this.stream.id }, 'took over a stream another replica was running');
    }
    if (this.stopping) return;
    // Before the upstream starts, so no request between its first announcements and this is lost.
    this.stopAnnouncing = await this.ctx.bus.subscribe(this.keys.announceRequests, () => this.announce?.());
    if (this.stopping) return;
    this.start(tick.lease, tick.lastCursors);
    return this.checkDemand(tick.demand);
  }

  private start(lease: StreamLease, lastCursors: ReadonlyMap<string, string>): void {
    const resumable = canResume(this.stream.source.source);
    const grant: UpstreamGrant = {
      fence: lease.token,
      resumeAfter: resumable ? lastCursors : new Map(),
      isValid: () => this.lease === lease && Date.now() < this.validUntil,
      ...(resumable && { published: (cursors: ReadonlyMap<string, string>) => this.record(lease, cursors) }),
      onAnnounceRequest: (announce) => {
        if (this.lease === lease) this.announce = announce;
      },
    };
    const upstream: RunningUpstream = { controller: new AbortController(), done: Promise.resolve() };
    this.upstream = upstream;
    upstream.done = this.run(grant, upstream.controller.signal).then((reason) => {
      if (this.upstream === upstream) this.upstream = undefined;
      if (reason === 'shutdown' || this.lease !== lease) return;
      this.ended = true;
      this.step();
    });
  }

  /** No replica has demand: after the grace period the stream stops, unless demand came back meanwhile. */
  private async checkDemand(demand: number): Promise<void> {
    if (demand > 0) {
      this.idleSince = undefined;
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
      return;
    }
    const now = Date.now();
    this.idleSince ??= now;
    const left = this.idleSince + this.ctx.idleGraceMs - now;
    if (left > 0) {
      this.idleTimer ??= setTimeout(() => {
        this.idleTimer = undefined;
        this.step();
      }, left).unref();
      return;
    }
    const lease = this.lease as StreamLease;
    const outcome = await this.ctx.leases.release(this.keys, lease, { forget: true, ifIdle: true });
    if (outcome === 'wanted') return void (this.idleSince = undefined);
    if (outcome === 'not_ours') return this.lose();
    this.stopUpstream();
    this.closeIfDone();
  }

  /** The upstream ended by itself and told the listeners: nothing is left to resume. */
  private async finish(): Promise<void> {
    if (this.lease) {
      await this.ctx.leases.release(this.keys, this.lease, { forget: true, ifIdle: false });
      this.dropLease();
    }
    this.close();
  }

  private async handBack(lease: StreamLease): Promise<void> {
    await this.ctx.leases.release(this.keys, lease, { forget: false, ifIdle: false });
    this.ctx.metrics.leaseLosses.inc();
    this.dropLease();
    this.closeIfDone();
  }

  private lose(): void {
    if (!this.lease) return;
    this.ctx.metrics.leaseLosses.inc();
    this.ctx.logger.warn({ stream: this.stream.id }, 'lost the lease of a stream; its upstream stops here');
    this.stopUpstream();
    this.closeIfDone();
  }

  /** Nothing publishes after this: the grant is void as soon as the lease is dropped. */
  private stopUpstream(): void {
    if (this.lease) this.dropLease();
    this.upstream?.controller.abort();
  }

  private dropLease(): void {
    this.lease = undefined;
    this.announce = undefined;
    this.stopAnnouncing?.().catch((error: unknown) => this.report(error, 'stop hearing announce requests'));
    this.stopAnnouncing = undefined;
    this.idleSince = undefined;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.ctx.metrics.leasesHeld.dec();
  }

  private record(lease: StreamLease, cursors: ReadonlyMap<string, string>): void {
    this.ctx.leases.recordCursors(this.keys, lease, cursors).then(
      () => undefined,
      (error: unknown) => this.report(error, 'record cursors'),
    );
  }

  private closeIfDone(): void {
    if (!this.wanted && !this.lease) this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.beat);
    clearTimeout(this.idleTimer);
    this.onClosed();
  }

  /** Once per outage: Redis errors repeat on every beat. */
  private report(error: unknown, operation: string): void {
    if (this.failing) return;
    this.failing = true;
    this.ctx.logger.warn(
      { stream: this.stream.id, operation, err: error instanceof Error ? error.name : 'unknown' },
      'stream lease step failed',
    );
  }
}
