// Applies cluster changes (RBAC objects, ServiceAccounts, pod labels) to access: drops the cached
// decisions a change could affect at once, then re-checks the live listeners it touches — changes
// that arrive meanwhile are batched into the next pass — and again a moment later. The
// apiserver's own authorizer learns a change from its own watch, which may trail ours (measured
// on the test cluster: up to ~15 ms): the first re-check can still be answered by the old rules,
// and so can a subscription in between.
import type { AccessChange } from '@tailgate/kube';
import type { PluginLogger, Subject, TargetRef } from '@tailgate/plugin-sdk';

import { type AccessService, accessTargetOf } from './access.service';
import { touchedBy } from './decision-dependencies';

/**
 * Re-decides every live listener's access to every target the predicate picks; `rbac` says an RBAC
 * object or an identity changed, so the sources' own checks (LogSource.admit, e.g. `list events`,
 * `get` on a Flow) must be asked again too — pod changes cannot change those.
 */
export type ListenerRecheck = (touched: (subject: Subject, target: TargetRef) => boolean, rbac: boolean) => Promise<void>;

/** When the change is applied again after the first time (see the header). */
export const SETTLE_DELAYS_MS: readonly number[] = [50, 1_000];

export class AccessRevalidation {
  private queued: AccessChange[] = [];
  private running: Promise<void> | undefined;
  /** The settle timers of each distinct change; a repeat of it starts them again. */
  private readonly settling = new Map<string, NodeJS.Timeout[]>();
  private stopped = false;

  constructor(
    private readonly access: AccessService,
    private readonly recheck: ListenerRecheck,
    private readonly logger: PluginLogger,
    private readonly settleDelaysMs = SETTLE_DELAYS_MS,
  ) {}

  apply(change: AccessChange): void {
    if (this.stopped) return;
    this.applyNow(change);
    const key = JSON.stringify(change);
    for (const timer of this.settling.get(key) ?? []) clearTimeout(timer);
    const last = this.settleDelaysMs.length - 1;
    const timers = this.settleDelaysMs.map((delayMs, i) => {
      const timer = setTimeout(() => {
        if (i === last) this.settling.delete(key);
        if (!this.stopped) this.applyNow(change);
      }, delayMs);
      timer.unref();
      return timer;
    });
    this.settling.set(key, timers);
  }

  /** Cancels the pending passes and waits for the running one. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of [...this.settling.values()].flat()) clearTimeout(timer);
    this.settling.clear();
    this.queued = [];
    await this.running;
  }

  private applyNow(change: AccessChange): void {
    this.access.forget(change);
    this.queued.push(change);
    this.running ??= this.drain();
  }

  private async drain(): Promise<void> {
    while (this.queued.length > 0 && !this.stopped) {
      const changes = this.queued.splice(0);
      const touched = touchedBy(changes);
      const rbac = changes.some((change) => change.kind !== 'pod');
      try {
        await this.recheck((subject, target) => touched(subject, accessTargetOf(target)), rbac);
      } catch (error) {
        this.logger.error({ err: error instanceof Error ? error.name : 'unknown' }, 're-check after an access change failed');
      }
    }
    this.running = undefined;
  }
}
