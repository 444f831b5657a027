// The timer around a stream's TimeMergeBuffer: records pushed now are handed on once their reorder
// window has passed. Releases run through the fan-out's task queue, in step with its messages.
import type { WireRecord } from '@tailgate/contracts';

import { type Released, TimeMergeBuffer } from './time-merge-buffer';

/** Beyond this many waiting records, the oldest leave before their window has passed. */
const MAX_WAITING_RECORDS = 20_000;

export interface ReorderWindowOptions {
  readonly windowMs: number;
  /** Gets every release, in time order; never empty. */
  readonly onRelease: (released: Released) => void;
  /** Runs a release on the owner's task queue. */
  readonly schedule: (task: () => void) => void;
  readonly now?: () => number;
}

export class ReorderWindow {
  private buffer: TimeMergeBuffer;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ReorderWindowOptions) {
    this.buffer = new TimeMergeBuffer(options.windowMs, MAX_WAITING_RECORDS);
    this.now = options.now ?? Date.now;
  }

  push(records: readonly WireRecord[], targets: readonly string[]): void {
    this.buffer.push(records, targets, this.now());
    if (this.options.windowMs === 0 || this.buffer.overfull) this.flush();
    else this.arm();
  }

  /** The target ended: its waiting records leave now, before it is gone. */
  releaseTarget(target: string): void {
    this.emit(this.buffer.releaseTarget(target));
  }

  /** The stream ended: everything waiting leaves now. */
  drain(): void {
    this.disarm();
    this.emit(this.buffer.drain());
  }

  /** Nobody orders by time any more: forget what waits. */
  clear(): void {
    this.disarm();
    this.buffer = new TimeMergeBuffer(this.options.windowMs, MAX_WAITING_RECORDS);
  }

  private flush(): void {
    this.emit(this.buffer.release(this.now()));
    this.arm();
  }

  private arm(): void {
    const due = this.buffer.nextDueAt();
    if (this.timer !== undefined || due === undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.options.schedule(() => this.flush());
      },
      Math.max(0, due - this.now()),
    );
    this.timer.unref();
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private emit(released: Released): void {
    if (released.records.length > 0) this.options.onRelease(released);
  }
}
