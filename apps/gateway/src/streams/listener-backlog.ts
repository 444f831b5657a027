// One listener's backlog on its way: read from the source a page at a time while the listener's
// connection has room, with what the fan-out needs to put the listener on the live stream after
// it (the last cursor per target, the targets it was told about before). Live batches wait for
// it meanwhile (see StreamListener.held).
import type { WireRecord, WireTarget } from '@tailgate/contracts';

import type { SlowLane } from './slow-lane';
import type { TargetAccess } from './target-access';
import { TimeKeys } from './time-order';
import type { WireBacklog } from './wire-backlog';

/** Longest one step of a backlog read (its targets, then each page) may take before it is abandoned. */
export const BACKLOG_STEP_TIMEOUT_MS = 30_000;

/** A listener's backlog; `incomplete` when records after its resume cursors may be missing. */
export interface ListenerBacklog extends WireBacklog {
  readonly incomplete?: boolean;
}

/** What a listener was sent of its backlog so far. */
export class BacklogProgress {
  /** Targets it was told about before its backlog, and whether it could read each then. */
  readonly told = new Map<string, { readonly target: WireTarget; readonly allowed: boolean }>();
  /** Its access to every target when the backlog started, for the records of targets removed since. */
  readonly access = new Map<string, TargetAccess>();
  /** Per target, the last cursor its backlog carried (see noteLastCursors). */
  readonly last = new Map<string, string>();
  /** Time-order keys carried from page to page, for `order: time`. */
  readonly timeKeys = new TimeKeys();
}

/** The changes of the stream's targets a listener missed while its backlog was sent. */
export interface MissedTargetChanges {
  /** New targets, and those it may read now when it could not before, or the reverse. */
  readonly announce: readonly (readonly [string, WireTarget])[];
  /** Targets it could read that are gone. */
  readonly removed: readonly WireTarget[];
}

export function missedTargetChanges(
  told: BacklogProgress['told'],
  targets: ReadonlyMap<string, WireTarget>,
  mayRead: (key: string) => boolean,
): MissedTargetChanges {
  const announce = [...targets].filter(([key]) => told.get(key)?.allowed !== mayRead(key));
  const removed = [...told].filter(([key, { allowed }]) => allowed && !targets.has(key)).map(([, { target }]) => target);
  return { announce, removed };
}

/** Live records held for a listener, in runs between the places where held batches were dropped. */
export interface HeldRun {
  /** Records dropped right before this run; a last run without records carries the drops after everything. */
  readonly droppedBefore: number;
  readonly records: WireRecord[];
}

/** Empties what was held for a listener into runs of the records `keep` keeps, in order. */
export function heldRuns(held: SlowLane<WireRecord[]> | undefined, keep: (record: WireRecord) => boolean): HeldRun[] {
  const taken = held?.take(Number.POSITIVE_INFINITY);
  const runs: HeldRun[] = [];
  for (const { item, droppedBefore } of taken?.entries ?? []) {
    const last = runs.at(-1);
    const records = item.filter(keep);
    if (last === undefined || droppedBefore > 0) runs.push({ droppedBefore, records });
    else last.records.push(...records);
  }
  if (taken !== undefined && taken.droppedAfter > 0) runs.push({ droppedBefore: taken.droppedAfter, records: [] });
  return runs;
}

/**
 * The signal a backlog is read with: aborted when the fan-out is done with it, or when one step
 * of the read takes longer than the step timeout (the step then fails).
 */
export class BacklogRead {
  private readonly controller = new AbortController();

  constructor(private readonly stepTimeoutMs = BACKLOG_STEP_TIMEOUT_MS) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  async step<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new DOMException('the backlog read timed out', 'TimeoutError');
        this.controller.abort(error);
        reject(error);
      }, this.stepTimeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.controller.abort();
  }
}
