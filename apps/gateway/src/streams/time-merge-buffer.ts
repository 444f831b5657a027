// The reorder window of a stream's time-ordered listeners. Records wait here after they arrive;
// once the oldest have waited the window, they leave together with every waiting record not later
// than the latest of them, sorted by time (ties in arrival order). A record that arrives more than
// a window late still goes out, only out of order. Pure: the caller owns the clock and the timer.
import type { WireRecord } from '@tailgate/contracts';

import { TimeKeys } from './time-order';

interface Waiting {
  readonly record: WireRecord;
  readonly target: string;
  readonly key: string;
  readonly seq: number;
  readonly arrivedAt: number;
}

export interface Released {
  readonly records: WireRecord[];
  /** `targets[i]` is the target key of `records[i]`. */
  readonly targets: string[];
}

export class TimeMergeBuffer {
  private readonly keys = new TimeKeys();
  /** In arrival order. */
  private waiting: Waiting[] = [];
  private seq = 0;

  /**
   * @param windowMs how long a record waits for earlier ones from other targets
   * @param maxRecords beyond this many waiting, the oldest leave early (memory bound)
   */
  constructor(
    private readonly windowMs: number,
    private readonly maxRecords: number,
  ) {}

  get size(): number {
    return this.waiting.length;
  }

  /** True when a release is due now whatever the clock says (the buffer is over its bound). */
  get overfull(): boolean {
    return this.waiting.length > this.maxRecords;
  }

  push(records: readonly WireRecord[], targets: readonly string[], now: number): void {
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as WireRecord;
      const target = targets[i] as string;
      this.waiting.push({ record, target, key: this.keys.next(record, target), seq: this.seq++, arrivedAt: now });
    }
  }

  /** When the oldest record will have waited the window; undefined when nothing waits. */
  nextDueAt(): number | undefined {
    const oldest = this.waiting[0];
    return oldest === undefined ? undefined : oldest.arrivedAt + this.windowMs;
  }

  /** What may leave at `now`, in time order; empty when nothing is due. */
  release(now: number): Released {
    const cutoff = now - this.windowMs;
    let due = 0;
    while (due < this.waiting.length) {
      const entry = this.waiting[due] as Waiting;
      if (entry.arrivedAt > cutoff && this.waiting.length - due <= this.maxRecords) break;
      due++;
    }
    return this.take((entry, i) => i < due);
  }

  /** Everything of one target (it ended), with whatever waits that is not later than it. */
  releaseTarget(target: string): Released {
    const released = this.take((entry) => entry.target === target);
    this.keys.forget(target);
    return released;
  }

  /** Everything, in time order (the stream ended). */
  drain(): Released {
    return this.take(() => true);
  }

  /** The entries `due` says must go, plus every entry whose key is not above theirs. */
  private take(due: (entry: Waiting, index: number) => boolean): Released {
    let latest: string | undefined;
    this.waiting.forEach((entry, i) => {
      if (due(entry, i) && (latest === undefined || entry.key > latest)) latest = entry.key;
    });
    if (latest === undefined) return { records: [], targets: [] };
    const out: Waiting[] = [];
    const keep: Waiting[] = [];
    this.waiting.forEach((entry, i) => (due(entry, i) || entry.key <= (latest as string) ? out : keep).push(entry));
    this.waiting = keep;
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.seq - b.seq));
    return { records: out.map((e) => e.record), targets: out.map((e) => e.target) };
  }
}
