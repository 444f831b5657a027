// Per target, the cursor up to which a new listener already has the records: it saw them before
// it resumed, or its backlog just carried them. A live record at or below its target's floor is a
// duplicate and is dropped. The backlog is read from the source while the shared live stream may
// still be behind it, so a floor stays until the live stream is past it.
import type { WireRecord } from '@tailgate/contracts';
import type { ResumePoint } from '@tailgate/plugin-sdk';

import { wireTargetKey } from '../model/bus-message';
import { resumeCursorOf } from './resume-point';

/** Target key → the cursor live records must exceed. */
export type DeliveryFloors = Map<string, string>;

/**
 * Floors of a listener going live: the resume cursor of every target the stream has now (live or
 * in the backlog), raised to the last backlog cursor of each (see noteLastCursors), for the
 * targets it may read (what it may not read it never gets twice).
 */
export function initialFloors(
  after: ResumePoint | undefined,
  targets: Iterable<string>,
  backlogLast: ReadonlyMap<string, string>,
  mayRead: (targetKey: string) => boolean,
): DeliveryFloors {
  const floors: DeliveryFloors = new Map();
  if (after) {
    for (const key of targets) {
      const cursor = resumeCursorOf(after, key);
      if (cursor !== undefined && mayRead(key)) floors.set(key, cursor);
    }
  }
  for (const [key, cursor] of backlogLast) {
    const floor = floors.get(key);
    if ((floor === undefined || cursor > floor) && mayRead(key)) floors.set(key, cursor);
  }
  return floors;
}

/** Keeps, per target, the greatest cursor of the records a backlog carried so far (a page at a time). */
export function noteLastCursors(last: Map<string, string>, records: readonly WireRecord[]): void {
  for (const record of records) {
    const key = wireTargetKey(record);
    const seen = last.get(key);
    if (seen === undefined || record.cursor > seen) last.set(key, record.cursor);
  }
}

/**
 * Whether a live record is new to the listener. A record above its floor lifts the floor: the
 * records of one target come in cursor order, so every later one is above it too.
 */
export function passFloor(floors: DeliveryFloors, key: string, cursor: string): boolean {
  const floor = floors.get(key);
  if (floor === undefined) return true;
  if (cursor <= floor) return false;
  floors.delete(key);
  return true;
}

/** Lifts the floors the live stream has already passed: nothing at or below them can come again. */
export function liftPassedFloors(floors: DeliveryFloors, lastLive: ReadonlyMap<string, string>): void {
  for (const [key, floor] of floors) {
    const last = lastLive.get(key);
    if (last !== undefined && last >= floor) floors.delete(key);
  }
}
