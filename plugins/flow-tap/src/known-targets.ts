// The targets a tap stream has announced, each with the node the apiserver bound its pod to and
// the clock that hands out its cursors. Bounded: past `max`, the target heard from least recently
// is forgotten (and announced removed), so a ClusterFlow over a churning cluster holds at most
// `max` of them; a forgotten target that speaks again is announced anew.
import { CursorClock, type TargetRef, targetKey } from '@tailgate/plugin-sdk';

export interface KnownTarget {
  readonly target: TargetRef;
  readonly clock: CursorClock;
}

export class KnownTargets {
  /** In order of last use: the first entry is the one to forget. */
  private readonly byKey = new Map<string, KnownTarget>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): KnownTarget | undefined {
    return this.byKey.get(key);
  }

  /** Marks `key` as just used (once per message, not per record). */
  touch(key: string): void {
    const known = this.byKey.get(key);
    if (known === undefined) return;
    this.byKey.delete(key);
    this.byKey.set(key, known);
  }

  /** Adds a target with a fresh cursor clock; returns what had to be forgotten to make room. */
  add(target: TargetRef): { readonly known: KnownTarget; readonly forgotten: readonly TargetRef[] } {
    const key = targetKey(target);
    const forgotten: TargetRef[] = [];
    this.byKey.delete(key);
    while (this.byKey.size >= this.max) {
      const [oldest] = this.byKey;
      if (oldest === undefined) break;
      this.byKey.delete(oldest[0]);
      forgotten.push(oldest[1].target);
    }
    const known = { target, clock: new CursorClock() };
    this.byKey.set(key, known);
    return { known, forgotten };
  }

  delete(key: string): KnownTarget | undefined {
    const known = this.byKey.get(key);
    this.byKey.delete(key);
    return known;
  }
}
