// Runs the agent's AgentTail: steps it whenever a followed file changes (or the poll interval
// passes), hands each step's events to the sink, feeds the metrics from the engine's totals,
// reports unreadable files once, and saves resume positions on an interval and when stopped.
// Positions are taken after the sink took the records, so an orderly restart neither loses nor
// repeats a record; after a crash, records since the last save come again (with the same cursors).
// A save runs beside the loop rather than in it: it waits for the bus to acknowledge what was
// handed over and for an fsync, which on a busy disk took 100 ms and more, and lines appended
// meanwhile would wait for it too.
// A sink that throws loses that step's records: logged by code, and the loop goes on.
import type { AgentTail, AgentTailEvent } from '@tailgate/cri-logs';
import { errorCode } from '@tailgate/process';
import type { Logger } from 'pino';

import type { AgentMetrics } from './agent-metrics';
import type { PositionStore } from './position-store';

/** Where the records go besides the demand server: in-process (tests). */
export type TailSink = (events: readonly AgentTailEvent[]) => Promise<void> | void;

export class TailPump {
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  private lastSave = performance.now();
  /** The save in progress, if any (one at a time). */
  private saving: Promise<void> | undefined;

  constructor(
    private readonly tail: AgentTail,
    private readonly positions: PositionStore,
    private readonly sink: TailSink,
    private readonly metrics: AgentMetrics,
    private readonly logger: Logger,
    private readonly checkpointIntervalMs: number,
    /** The demand runs a directory is tailed for, saved with its position. */
    private readonly runsOf?: (path: string) => readonly string[],
    /** Resolves once what the sink took is published: positions are taken after it. */
    private readonly sinkSettled?: () => Promise<void>,
  ) {}

  start(): void {
    this.loop ??= this.run(this.controller.signal);
  }

  /** Stops after the step in flight, then saves every position. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
    await this.saving;
    await this.checkpoint();
  }

  /** Stops one container, keeping its position for a later start. */
  async release(path: string): Promise<void> {
    const position = await this.tail.stop(path);
    if (position) this.positions.set(path, position);
  }

  /** Stops one container and forgets its position: nobody wants it, and a later start begins at the end. */
  async forget(path: string): Promise<void> {
    await this.tail.stop(path);
    this.positions.delete(path);
  }

  /**
   * Saves the positions of the followed containers now. Called between steps: the positions are
   * taken at once (every record before them was handed to the sink) and saved once the sink has
   * published those records.
   */
  async checkpoint(): Promise<void> {
    this.lastSave = performance.now();
    const taken = [...this.tail.positions()].map(([path, position]) => ({ path, position, runs: this.runsOf?.(path) }));
    await this.sinkSettled?.();
    const followed = this.tail.paths();
    for (const { path, position, runs } of taken) {
      // Stopped (and maybe forgotten) while the sink settled: its position is no longer ours to save.
      if (!followed.has(path)) continue;
      this.positions.set(path, position);
      if (runs) this.positions.setRuns(path, runs);
    }
    try {
      await this.positions.save();
      this.metrics.positionSaves.inc({ result: 'ok' });
    } catch (error) {
      this.metrics.positionSaves.inc({ result: 'error' });
      this.logger.error({ code: errorCode(error), file: this.positions.file }, 'saving resume positions failed; retrying');
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const { events, busy } = await this.tail.step();
        if (events.length > 0) await this.deliver(events);
        if (this.saving === undefined && performance.now() - this.lastSave >= this.checkpointIntervalMs) {
          this.saving = this.checkpoint().finally(() => (this.saving = undefined));
        }
        if (!busy) await this.tail.wait(signal);
      } catch (error) {
        this.logger.error({ code: errorCode(error) }, 'tailing step failed; retrying');
        await this.tail.wait(signal);
      }
    }
  }

  private async deliver(events: readonly AgentTailEvent[]): Promise<void> {
    for (const event of events) this.observe(event);
    await this.sink(events);
  }

  private observe(event: AgentTailEvent): void {
    const { path, target } = event.dir;
    if (event.type === 'unreadable') {
      this.metrics.readErrors.inc({ kind: 'file', code: event.code });
      this.logger.warn({ code: 'log_unreadable', errno: event.code, path, target }, 'container log unreadable; retrying');
    } else if (event.type === 'gap') {
      this.logger.warn({ code: 'position_gap', path, target }, 'saved position no longer found; resumed at the oldest file left');
    } else if (event.type === 'gone') {
      this.positions.delete(path);
    }
  }
}
