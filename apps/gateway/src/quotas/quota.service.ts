// Applies the quotas to subscribe requests: counts each request against the subscribe rate,
// holds a slot per subscription before its upstream starts, and gives the slot back exactly
// once however the subscription ends. A holding is keyed by socket and stream, as listeners are.
import type { QuotasConfig } from '@tailgate/config';
import type { PluginLogger, Subject } from '@tailgate/plugin-sdk';

import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { quotaExceeded } from './quota-exceeded';
import type { QuotaStore, QuotaVerdict } from './quota-store';
import { type QuotaSubject, quotaSubjectOf } from './quota-subject';

interface Holding {
  readonly subject: QuotaSubject;
  /** The store's answer; shared by concurrent requests for the same socket and stream. */
  readonly verdict: Promise<QuotaVerdict>;
}

export class QuotaService {
  private readonly holdings = new Map<string, Holding>();

  constructor(
    private readonly store: QuotaStore,
    private readonly config: QuotasConfig,
    private readonly metrics: GatewayMetrics,
    private readonly logger: PluginLogger,
  ) {}

  /** Counts one subscribe request against the subscribe rate; throws `quota_exceeded` when it is refused. */
  async admitSubscribe(subject: Subject): Promise<void> {
    const verdict = await this.ask('rate', () => this.store.takeSubscribeToken(quotaSubjectOf(subject, this.config)));
    this.enforce(verdict);
  }

  /**
   * Holds a slot for this socket's subscription to the stream while `work` runs and afterwards;
   * throws `quota_exceeded` (before `work`) when a limit is reached, and gives the slot back when `work` fails.
   */
  async holdDuring<T>(socketId: string, subject: Subject, streamId: string, work: () => Promise<T>): Promise<T> {
    await this.hold(socketId, subject, streamId);
    try {
      return await work();
    } catch (error) {
      this.release(socketId, streamId);
      throw error;
    }
  }

  /** Gives back the slot of this socket's subscription to the stream; nothing when it has none. */
  release(socketId: string, streamId: string): void {
    const key = holdingKey(socketId, streamId);
    const holding = this.holdings.get(key);
    if (!holding) return;
    this.holdings.delete(key);
    void holding.verdict
      .then((verdict) => (verdict.ok ? this.store.release(holding.subject, streamId) : undefined))
      .catch((error: unknown) => this.logFailure(error, 'release'));
  }

  close(): Promise<void> {
    this.holdings.clear();
    return this.store.close();
  }

  private async hold(socketId: string, subject: Subject, streamId: string): Promise<void> {
    const key = holdingKey(socketId, streamId);
    const existing = this.holdings.get(key);
    if (existing) return this.enforce(await existing.verdict);
    const quotaSubject = quotaSubjectOf(subject, this.config);
    const holding: Holding = { subject: quotaSubject, verdict: this.ask('acquire', () => this.store.acquire(quotaSubject, streamId)) };
    this.holdings.set(key, holding);
    const verdict = await holding.verdict.catch((error: unknown) => {
      this.forget(key, holding);
      throw error;
    });
    if (!verdict.ok) this.forget(key, holding);
    this.enforce(verdict);
  }

  private forget(key: string, holding: Holding): void {
    if (this.holdings.get(key) === holding) this.holdings.delete(key);
  }

  private enforce(verdict: QuotaVerdict): void {
    if (verdict.ok) return;
    this.metrics.quotaRefusals.inc({ limit: verdict.refusal.limit, scope: verdict.refusal.scope });
    throw quotaExceeded(verdict.refusal);
  }

  private async ask(operation: string, request: () => Promise<QuotaVerdict>): Promise<QuotaVerdict> {
    try {
      return await request();
    } catch (error) {
      this.logFailure(error, operation);
      throw error;
    }
  }

  private logFailure(error: unknown, operation: string): void {
    this.logger.error({ operation, err: error instanceof Error ? error.message : 'unknown' }, 'quota store failed');
  }
}

function holdingKey(socketId: string, streamId: string): string {
  return `${socketId} ${streamId}`;
}
