// The runner's handle on one client-fleet child process: forks it (TypeScript through tsx),
// sends commands and waits for each answer with a deadline, and stops it by PID. Scenarios with
// many listeners split them over several fleets (`startFleets`, `openSplit`: S6; fleet-group.ts drives
// several as one for the capacity runs and S4@N).
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

import type { FleetCommand, FleetReport, FleetTally, ListenerSpec, StormTally, Wire } from './fleet-protocol';

export interface OpenOptions {
  readonly url: string;
  readonly wire: Wire;
  readonly namespace: string;
  readonly listeners: readonly ListenerSpec[];
  readonly timeoutMs: number;
}

export class ClientFleet {
  private readonly inbox: FleetReport[] = [];
  private wake: (() => void) | undefined;
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (report: FleetReport) => {
      this.inbox.push(report);
      this.wake?.();
    });
    child.once('exit', () => {
      this.exited = true;
      this.wake?.();
    });
  }

  static start(): ClientFleet {
    const child = fork(join(__dirname, 'client-process.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new ClientFleet(child);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  async open(options: OpenOptions): Promise<number> {
    this.send({ type: 'open', concurrency: 20, ...options });
    const report = await this.next('opened', options.timeoutMs + 5_000);
    return report.type === 'opened' ? report.connectMs : 0;
  }

  /**
   * Zeroes the counters; `done` comes once `expectTotal` records arrived (0: never). With
   * `latencyFrom` (epoch ms), lines meant to be written earlier are left out of the latency histogram.
   */
  async arm(expectTotal: number, latency = false, latencyFrom?: number): Promise<void> {
    this.send({
      type: 'arm',
      expectTotal: expectTotal > 0 ? expectTotal : Number.MAX_SAFE_INTEGER,
      latency,
      ...(latencyFrom !== undefined && { latencyFrom }),
    });
    await this.next('armed', 10_000);
  }

  /** Sends the storm command (drop all, reconnect with jitter); `stormed()` waits for its outcome. */
  startStorm(options: { url?: string; jitterMs: number; timeoutMs: number }): void {
    this.send({ type: 'storm', ...options });
  }

  async stormed(timeoutMs: number): Promise<StormTally> {
    const report = await this.next('stormed', timeoutMs + 5_000);
    if (report.type !== 'stormed') throw new Error('unexpected fleet report');
    return report;
  }

  /** The tally once every expected record arrived, or the tally so far when `timeoutMs` passes first. */
  async waitDone(timeoutMs: number): Promise<{ complete: boolean; tally: FleetTally }> {
    try {
      const report = await this.next('done', timeoutMs);
      if (report.type === 'done') return { complete: true, tally: report };
    } catch {
      // Fall through to the partial tally below.
    }
    return { complete: false, tally: await this.tally() };
  }

  async tally(): Promise<FleetTally> {
    this.send({ type: 'report' });
    const report = await this.next('tally', 10_000);
    if (report.type !== 'tally') throw new Error('unexpected fleet report');
    return report;
  }

  /** Closes every listener and keeps the process for the next `open`. */
  async closeListeners(): Promise<void> {
    this.send({ type: 'close', keepProcess: true });
    await this.next('closed', 10_000);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      this.send({ type: 'close' });
      await this.next('closed', 5_000);
    } catch {
      // It did not answer; the kill below ends it.
    }
    if (!this.exited && this.child.pid !== undefined) process.kill(this.child.pid, 'SIGKILL');
  }

  private send(command: FleetCommand): void {
    if (this.exited) throw new Error('the client fleet exited');
    this.child.send(command);
  }

  /** Waits for a report of `type` (earlier reports of other types are dropped); an `error` report throws. */
  private async next(type: FleetReport['type'], timeoutMs: number): Promise<FleetReport> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const report = this.inbox.shift();
      if (report?.type === 'error') throw new Error(`client fleet: ${report.message}`);
      if (report?.type === type) return report;
      if (report) continue;
      if (this.exited) throw new Error(`the client fleet exited while waiting for ${type}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} from the client fleet within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

/** Starts `count` client-fleet processes. */
export function startFleets(count: number): ClientFleet[] {
  return Array.from({ length: count }, () => ClientFleet.start());
}

/** `items` in `parts` contiguous shares of at most ⌈n ÷ parts⌉ each, in order (the last ones may be short or empty). */
export function shareOut<T>(items: readonly T[], parts: number): T[][] {
  const share = Math.ceil(items.length / parts);
  return Array.from({ length: parts }, (_, f) => items.slice(f * share, (f + 1) * share));
}

/**
 * Opens `options.listeners` split over `fleets` in contiguous shares (see `shareOut`), all fleets
 * at once: listener i of the whole is listener i − (its share's start) of its fleet. Returns
 * each fleet's share size.
 */
export async function openSplit(fleets: readonly ClientFleet[], options: OpenOptions): Promise<number[]> {
  const shares = shareOut(options.listeners, fleets.length);
  await Promise.all(fleets.map((fleet, f) => fleet.open({ ...options, listeners: shares[f] ?? [] })));
  return shares.map((share) => share.length);
}
