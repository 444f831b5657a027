// A process's memory in use once forced full collections let go of what they could: what the
// memory figures of S5 and AG read in their fresh processes (gc exposed at run time, not by flag).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Bytes in use after forced garbage collections. */
export interface SettledMemory {
  readonly rss: number;
  readonly heapUsed: number;
}

let collect: (() => void) | undefined;

/** RSS and heap once three forced full collections, 50 ms apart, let go of what they could. */
export async function settledMemory(): Promise<SettledMemory> {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed };
}
