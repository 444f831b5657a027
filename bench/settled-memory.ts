// A process's memory in use once forced full collections let go of what they could: what the
// memory figures of S5 and AG read in their fresh processes (gc exposed at run time, not by flag).
// RSS is split as the kernel counts it (/proc/self/status): anonymous pages are what the process
// allocated (V8 heap, malloc, stacks); file pages are mostly the mapped node binary, which every
// Node process on the machine shares through the page cache.
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Bytes in use after forced garbage collections. */
export interface SettledMemory {
  readonly rss: number;
  readonly heapUsed: number;
}

/** The same, with RSS split by page kind and V8's heap size (what AG reports). */
export interface ProcessMemory extends SettledMemory {
  /** RssAnon of /proc/self/status (NaN where there is no /proc). */
  readonly rssAnon: number;
  /** RssFile of /proc/self/status: file-backed pages, mostly the node binary (NaN where there is no /proc). */
  readonly rssFile: number;
  readonly heapTotal: number;
  /**
   * Resident pages of V8's young generation (new space), part of RssAnon. Empty after a GC, but V8
   * keeps the pages it touched (up to 2 × 16 MiB semi-spaces) until a scavenge at a low allocation
   * rate shrinks it: the part of RSS that depends on when it is read.
   */
  readonly youngResident: number;
}

let collect: (() => void) | undefined;

/** RSS and heap once three forced full collections, 50 ms apart, let go of what they could. */
export async function settledMemory(): Promise<ProcessMemory> {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const usage = process.memoryUsage();
  const status = procStatusOf('self');
  const young = getHeapSpaceStatistics()
    .filter((space) => space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
    .reduce((sum, space) => sum + space.physical_space_size, 0);
  const { rss, heapTotal, heapUsed } = usage;
  return { rss, rssAnon: status.rssAnon, rssFile: status.rssFile, heapTotal, heapUsed, youngResident: young };
}

/** VmRSS, RssAnon and RssFile of a process in bytes (/proc/<pid>/status gives kB; NaN where there is no /proc). */
export function procStatusOf(pid: number | 'self'): { rss: number; rssAnon: number; rssFile: number } {
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return { rss: Number.NaN, rssAnon: Number.NaN, rssFile: Number.NaN };
  }
  const kB = (field: string): number => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : Number.NaN;
  };
  return { rss: kB('VmRSS'), rssAnon: kB('RssAnon'), rssFile: kB('RssFile') };
}
