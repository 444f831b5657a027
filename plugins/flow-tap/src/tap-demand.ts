// A running tap stream says, in shared state, that its tap is wanted: its key in DEMAND_SET,
// renewed every third of demandTtlMs (so a replica that dies stops wanting it once the entry
// expires), DEMAND_VERSION bumped and the reconcile job asked to run at start and at end. A
// failing store or queue never ends the stream: the renewal retries, and the worker's periodic
// resync catches up on a missed reconcile.
import type { PluginLogger, SharedState } from '@tailgate/plugin-sdk';

import { DEMAND_SET, DEMAND_VERSION } from './tap-state';

/** What the reconcile side offers the source (reconcile/ implements it). */
export interface TapJobs {
  /** Queues a reconcile of every tap against demand; resolves once it is queued. */
  reconcileSoon(): Promise<void>;
  /** Queues one for `delayMs` from now or a little later (shared with the others due in the same second). */
  reconcileLater(delayMs: number): Promise<void>;
}

/**
 * How long a stopped stream still wants its tap: a stream that moves to another replica (a
 * shutdown hands it over, a crash lets its lease expire) re-adds the tap well within this, so a
 * takeover never removes the tap and recreates it with a new password.
 */
export const HANDOVER_MS = 10_000;

export interface TapDemandOptions {
  readonly state: SharedState;
  readonly jobs: TapJobs;
  readonly ttlMs: number;
  readonly logger: PluginLogger;
}

export class TapDemand {
  private timer: NodeJS.Timeout | undefined;
  /** Set after a failed step, so a long outage logs once rather than at every renewal. */
  private failing = false;

  constructor(
    private readonly key: string,
    private readonly options: TapDemandOptions,
  ) {}

  /** Records the demand and keeps renewing it until stop(). */
  async start(): Promise<void> {
    const { state, ttlMs } = this.options;
    await this.attempt('renew', () => state.renew(DEMAND_SET, this.key, ttlMs));
    await this.changed();
    this.timer = setInterval(() => void this.attempt('renew', () => state.renew(DEMAND_SET, this.key, ttlMs)), Math.floor(ttlMs / 3));
    this.timer.unref();
  }

  /**
   * Withdraws the demand: it lapses after HANDOVER_MS (or the TTL, if shorter) unless a stream on
   * another replica renews it, and a reconcile then removes the tap.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const lapseMs = Math.min(HANDOVER_MS, this.options.ttlMs);
    await this.attempt('lapse', () => this.options.state.renew(DEMAND_SET, this.key, lapseMs));
    await this.attempt('version', () => this.options.state.increment(DEMAND_VERSION));
    // A little after the entry expired, so that run no longer finds it.
    await this.attempt('reconcile', () => this.options.jobs.reconcileLater(lapseMs + 1_000));
  }

  private async changed(): Promise<void> {
    await this.attempt('version', () => this.options.state.increment(DEMAND_VERSION));
    await this.attempt('reconcile', () => this.options.jobs.reconcileSoon());
  }

  private async attempt(step: string, action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
      this.failing = false;
    } catch (error) {
      if (!this.failing) {
        this.options.logger.warn(
          { step, tap: this.key, err: error instanceof Error ? error.name : 'unknown' },
          'flow tap demand step failed',
        );
      }
      this.failing = true;
    }
  }
}
