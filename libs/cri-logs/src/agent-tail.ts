// The tailing engine of the node agent and of the in-gateway node-file source: follows a set of
// container directories, each from the beginning of its file, its current end or a saved position,
// and reads what they append a step at a time. A step polls each container at most once, so a
// chatty one cannot starve the others; one read buffer serves them all. Waits on inotify (fs.watch
// on the followed directories) with a slow poll as the fallback; a step after a wake-up polls only
// the containers that changed, have more to read or were not read for a poll interval, and looks
// for a rotation's or restart's new file only where a name changed (see poll-plan).
import { setTimeout as sleep } from 'node:timers/promises';

import type { LogRecord } from '@tailgate/plugin-sdk';

import { ChangeWakeup } from './change-wakeup';
import { ContainerFileTailer, type TailCounts, type TailerPoll } from './container-file-tailer';
import type { ContainerLogDir, TailerOptions } from './container-log-dir';
import { snapshotLogFile } from './log-file-snapshot';
import { positionAtTop } from './open-tail';
import { type FollowedState, planPoll, type StepCause } from './poll-plan';
import type { TailerStart, TailPosition } from './tail-position';

export interface AgentTailOptions extends TailerOptions {
  /** Most records in one batch; also what one step reads of one container at most (about). */
  readonly maxBatchRecords: number;
  /**
   * Longest wait between two steps when no change woke us, in ms; the longest an unwatched idle
   * container goes unread (a watched one with no event: WATCHED_READ_INTERVALS of these, see poll-plan).
   */
  readonly pollIntervalMs: number;
  /** Wake on inotify events of the followed directories. */
  readonly watchFiles: boolean;
}

/** The `beginning` of the file being written, its current `end`, or a saved position. */
export type TailFrom = 'beginning' | 'end' | TailPosition;

export type AgentTailEvent =
  | { readonly type: 'records'; readonly dir: ContainerLogDir; readonly records: readonly LogRecord[] }
  /** Lines may be missing before the next records: a saved position was not found again. */
  | { readonly type: 'gap'; readonly dir: ContainerLogDir }
  /** The directory is gone (its pod was deleted) after everything readable was read; no longer followed. */
  | { readonly type: 'gone'; readonly dir: ContainerLogDir }
  /** Reading failed with this errno code (EACCES, …); retried every step, reported once per code. */
  | { readonly type: 'unreadable'; readonly dir: ContainerLogDir; readonly code: string };

export interface AgentTailStep {
  readonly events: AgentTailEvent[];
  /** Some container has more to read: step again without waiting. */
  readonly busy: boolean;
}

interface Followed extends FollowedState {
  readonly tailer: ContainerFileTailer;
  /** Code of the last read error, so a persisting one is reported once. */
  failing?: string;
  idle: boolean;
  polledAt: number;
  namesCheckedAt: number;
}

const NO_COUNTS: TailCounts = { bytes: 0, records: 0, malformed: 0, truncated: 0, rotations: 0, truncations: 0, gaps: 0 };

export class AgentTail {
  private readonly followed = new Map<string, Followed>();
  private readonly buffer: Buffer;
  private readonly wakeup: ChangeWakeup | undefined;
  /** Counts of the containers no longer followed. */
  private retired = NO_COUNTS;
  private stepping: Promise<AgentTailStep> | undefined;
  /** What the next step follows; a busy step leaves it as it was, so the loop's next one reads as much. */
  private cause: StepCause = 'direct';

  constructor(private readonly options: AgentTailOptions) {
    this.buffer = Buffer.allocUnsafe(options.readChunkBytes);
    this.wakeup = options.watchFiles ? new ChangeWakeup() : undefined;
  }

  /** Starts following a container directory; false when it is followed already. Never throws. */
  start(dir: ContainerLogDir, from: TailFrom): boolean {
    if (this.followed.has(dir.path)) return false;
    const tailer = new ContainerFileTailer(dir, this.options, tailerStart(dir.path, from), this.buffer);
    this.followed.set(dir.path, { tailer, idle: false, polledAt: Number.NEGATIVE_INFINITY, namesCheckedAt: Number.NEGATIVE_INFINITY });
    this.wakeup?.sync(this.paths());
    return true;
  }

  /** Stops following; resolves with the position to resume from (after a step in flight ends). */
  async stop(path: string): Promise<TailPosition | undefined> {
    await this.stepsEnded();
    const followed = this.followed.get(path);
    if (!followed) return undefined;
    await this.unfollow(path, followed);
    return followed.tailer.position;
  }

  paths(): ReadonlySet<string> {
    return new Set(this.followed.keys());
  }

  dirs(): ContainerLogDir[] {
    return [...this.followed.values()].map(({ tailer }) => tailer.dir);
  }

  /** Resume positions of the followed containers that have one. */
  positions(): Map<string, TailPosition> {
    const positions = new Map<string, TailPosition>();
    for (const [path, { tailer }] of this.followed) {
      const position = tailer.position;
      if (position) positions.set(path, position);
    }
    return positions;
  }

  countsOf(path: string): TailCounts | undefined {
    return this.followed.get(path)?.tailer.counts;
  }

  /** Totals over every container ever followed. */
  totals(): TailCounts {
    return [...this.followed.values()].reduce((sum, { tailer }) => addCounts(sum, tailer.counts), this.retired);
  }

  /** Reads what every followed container has now (about maxBatchRecords each). One step at a time. */
  async step(): Promise<AgentTailStep> {
    if (this.stepping) throw new Error('AgentTail.step is already running');
    this.stepping = this.readAll();
    try {
      const step = await this.stepping;
      if (!step.busy) this.cause = 'direct';
      return step;
    } finally {
      this.stepping = undefined;
    }
  }

  /** Resolves on the next change in a followed directory, after pollIntervalMs, or on abort. */
  async wait(signal: AbortSignal): Promise<void> {
    if (this.wakeup) {
      this.cause = (await this.wakeup.wait(this.options.pollIntervalMs, signal)) ? 'woken' : 'timed-out';
      return;
    }
    await sleep(this.options.pollIntervalMs, undefined, { signal }).catch(() => undefined);
  }

  /** Steps until `signal` aborts, yielding the events of each step that had any. */
  async *run(signal: AbortSignal): AsyncGenerator<AgentTailEvent[]> {
    while (!signal.aborted) {
      const { events, busy } = await this.step();
      if (events.length > 0) yield events;
      if (!busy) await this.wait(signal);
    }
  }

  async close(): Promise<void> {
    await this.stepsEnded();
    await Promise.allSettled([...this.followed].map(([path, followed]) => this.unfollow(path, followed)));
    this.wakeup?.close();
  }

  /** Resolves when no step is running (a loop may start the next one as the last ends). */
  private async stepsEnded(): Promise<void> {
    while (this.stepping) await this.stepping.catch(() => undefined);
  }

  private async readAll(): Promise<AgentTailStep> {
    const events: AgentTailEvent[] = [];
    let busy = false;
    for (const [path, followed] of [...this.followed]) {
      const now = performance.now();
      const plan = planPoll(this.cause, this.wakeup?.take(path) ?? 'unwatched', followed, now, this.options.pollIntervalMs);
      if (plan === 'skip') continue;
      followed.polledAt = now;
      if (plan === 'read-and-look') followed.namesCheckedAt = now;
      const poll = await this.poll(followed, events, plan === 'read-and-look');
      if (!poll) continue;
      const { dir } = followed.tailer;
      if (poll.gap) events.push({ type: 'gap', dir });
      this.batch(dir, poll.records, events);
      busy ||= !poll.idle;
      if (!poll.gone) continue;
      await this.unfollow(path, followed);
      events.push({ type: 'gone', dir });
    }
    return { events, busy };
  }

  private async poll(followed: Followed, events: AgentTailEvent[], lookForNewFiles: boolean): Promise<TailerPoll | undefined> {
    try {
      const poll = await followed.tailer.poll(this.options.maxBatchRecords, lookForNewFiles);
      followed.failing = undefined;
      followed.idle = poll.idle;
      return poll;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      if (followed.failing !== code) events.push({ type: 'unreadable', dir: followed.tailer.dir, code });
      followed.failing = code;
      return undefined;
    }
  }

  private batch(dir: ContainerLogDir, records: LogRecord[], events: AgentTailEvent[]): void {
    const size = this.options.maxBatchRecords;
    if (records.length === 0) return;
    if (records.length <= size) return void events.push({ type: 'records', dir, records });
    for (let i = 0; i < records.length; i += size) events.push({ type: 'records', dir, records: records.slice(i, i + size) });
  }

  private async unfollow(path: string, followed: Followed): Promise<void> {
    if (this.followed.get(path) !== followed) return;
    this.followed.delete(path);
    this.retired = addCounts(this.retired, followed.tailer.counts);
    this.wakeup?.sync(this.paths());
    await followed.tailer.close();
  }
}

/** Taken synchronously, so that the start is where the file stood when `start` was called. */
function tailerStart(dirPath: string, from: TailFrom): TailerStart | undefined {
  if (from !== 'beginning' && from !== 'end') return { at: 'position', position: from };
  try {
    const file = snapshotLogFile(dirPath);
    // No file yet: the container starts writing later, and all of it is new.
    if (!file) return undefined;
    return from === 'end' ? { at: 'end', file } : { at: 'position', position: positionAtTop(file) };
  } catch {
    // Unreadable now (the first poll reports it): start where the file stands once it can be read.
    return from === 'end' ? { at: 'first-open-end' } : undefined;
  }
}

function addCounts(a: TailCounts, b: TailCounts): TailCounts {
  return {
    bytes: a.bytes + b.bytes,
    records: a.records + b.records,
    malformed: a.malformed + b.malformed,
    truncated: a.truncated + b.truncated,
    rotations: a.rotations + b.rotations,
    truncations: a.truncations + b.truncations,
    gaps: a.gaps + b.gaps,
  };
}
