// Garbage-collection pauses of this process while a measurement runs (performance.md §8.1:
// always record GC time), from the `gc` performance entries.
import { PerformanceObserver } from 'node:perf_hooks';

export interface GcPauses {
  readonly totalMs: number;
  readonly maxMs: number;
}

/** Starts observing; the returned function stops and sums up. */
export function observeGcPauses(): () => GcPauses {
  let totalMs = 0;
  let maxMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      totalMs += entry.duration;
      maxMs = Math.max(maxMs, entry.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    return { totalMs, maxMs };
  };
}
