// Follows one container's log through pods/log for as long as anyone listens: reconnects when
// the stream ends (container restart, kubelet or apiserver closing it, network failure) from the
// last line's second, skipping replayed lines, with backoff while nothing new comes. Gives up only
// when our own identity is refused (401/403); everything else is retried.
import type { KubeTransport } from '@tailgate/kube';
import { dateToEpochNanos, type LogRecord, type PluginLogger, type TargetRef } from '@tailgate/plugin-sdk';

import { LogPosition } from './log-position';
import { type PodLogQuery, type ReadEnd, readPodLog } from './pod-log-reader';

export interface FollowerListener {
  records(records: readonly LogRecord[]): void;
  /** A followed read ended cleanly: the container may have stopped. The follower keeps retrying. */
  drained(): void;
  /** The follower stopped for good: the apiserver refuses our identity this pod's logs. */
  failed(): void;
}

export interface FollowerOptions {
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  readonly maxLineBytes: number;
  readonly logger: PluginLogger;
}

/** `beginning`: every line the container has (a pod that appeared while streaming); `now`: new lines only. */
export type FollowStart = 'beginning' | 'now';

export class ContainerFollower {
  private readonly listeners = new Set<FollowerListener>();
  private readonly controller = new AbortController();
  private position = LogPosition.start();
  private wake: (() => void) | undefined;
  private readonly done: Promise<void>;

  constructor(
    private readonly transport: Pick<KubeTransport, 'stream'>,
    readonly target: TargetRef,
    private readonly start: FollowStart,
    private readonly options: FollowerOptions,
  ) {
    this.done = this.run();
  }

  add(listener: FollowerListener): void {
    this.listeners.add(listener);
  }

  /** Returns how many listeners are left. */
  remove(listener: FollowerListener): number {
    this.listeners.delete(listener);
    return this.listeners.size;
  }

  /** Something changed (a new container instance): reconnect now instead of after the backoff. */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    this.wake?.();
    await this.done;
  }

  private async run(): Promise<void> {
    const signal = this.controller.signal;
    const openedAt = dateToEpochNanos(new Date());
    let attempt = 0;
    let first = true;
    let failing = false;
    while (!signal.aborted) {
      const query: PodLogQuery = { follow: true, ...this.resumeQuery(first, openedAt) };
      first = false;
      let delivered = false;
      let end: ReadEnd | 'network';
      try {
        end = await readPodLog(this.transport, this.target, query, this.position, signal, this.options, (records) => {
          delivered = true;
          for (const listener of this.listeners) listener.records(records);
        });
      } catch {
        end = 'network';
      }
      if (signal.aborted) return;
      if (end !== 'network' && end.kind === 'refused' && (end.status === 401 || end.status === 403)) {
        this.options.logger.error({ target: describe(this.target), status: end.status }, 'pods/log refused to the gateway; giving up');
        for (const listener of [...this.listeners]) listener.failed();
        return;
      }
      if (end !== 'network' && end.kind === 'eof') {
        failing = false;
        for (const listener of [...this.listeners]) listener.drained();
      } else if (!failing) {
        failing = true;
        const status = end === 'network' ? 'network' : end.status;
        this.options.logger.warn({ target: describe(this.target), status }, 'pods/log failed; retrying');
      }
      attempt = delivered ? 0 : attempt + 1;
      await this.sleep(attempt === 0 ? 0 : Math.min(this.options.retryMinMs * 2 ** (attempt - 1), this.options.retryMaxMs));
    }
  }

  /** Where the next request starts: after the last line, or (following from now) at the open. */
  private resumeQuery(first: boolean, openedAt: string): PodLogQuery {
    const since = this.position.sinceTime();
    if (since !== undefined) return { sinceTime: since };
    if (this.start === 'beginning') return {};
    if (first) return { tailLines: 0 };
    // Nothing read yet and the read ended (a restart): lines from the open on are new.
    this.position = LogPosition.from(openedAt);
    return { sinceTime: this.position.sinceTime() };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        finish();
      };
    });
  }
}

function describe(target: TargetRef): string {
  return `${target.namespace}/${target.pod}/${target.container}`;
}
