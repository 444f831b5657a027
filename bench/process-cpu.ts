// CPU time per process over a measured interval: `process.cpuUsage()` for this process, and
// utime + stime from /proc/<pid>/stat for children (client fleets, redis-server); and the whole
// machine's busy time from /proc/stat, which shows what other jobs on a shared machine took.
import { readdirSync, readFileSync } from 'node:fs';

/** Linux clock ticks per second (`getconf CLK_TCK`); 100 on every kernel we run on. */
const CLOCK_TICKS = 100;

/** CPU seconds a process has used so far; undefined once it is gone. */
export function cpuSecondsOf(pid: number): number | undefined {
  if (pid === process.pid) {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  }
  try {
    return statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** utime + stime of a /proc `stat` line (a process's or a thread's), in seconds. */
function statCpuSeconds(stat: string): number {
  // The command name may contain spaces; fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Starts measuring the given processes; `stop` gives each one's CPU as % of one core. */
export function startCpuMeter(pids: Readonly<Record<string, number>>): { stop(wallMs: number): Record<string, number> } {
  const before = Object.fromEntries(Object.entries(pids).map(([role, pid]) => [role, cpuSecondsOf(pid)]));
  return {
    stop(wallMs) {
      const out: Record<string, number> = {};
      for (const [role, pid] of Object.entries(pids)) {
        const start = before[role];
        const end = cpuSecondsOf(pid);
        if (start !== undefined && end !== undefined && wallMs > 0) out[role] = Math.round(((end - start) / (wallMs / 1000)) * 1000) / 10;
      }
      return out;
    },
  };
}

/** Busy and total CPU seconds of the whole machine so far, every process included (/proc/stat); undefined off Linux. */
export function machineCpuSeconds(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu  user nice system idle iowait irq softirq steal …
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}

/** Starts measuring the whole machine; `stop` gives its busy time as % of one core (all cores: cores × 100). */
export function startMachineMeter(): { stop(wallMs: number): number } {
  const before = machineCpuSeconds();
  return {
    stop(wallMs) {
      const after = machineCpuSeconds();
      if (!before || !after || wallMs <= 0) return Number.NaN;
      return Math.round(((after.busy - before.busy) / (wallMs / 1000)) * 1000) / 10;
    },
  };
}

/**
 * Node 20 names none of its threads (all are `node`), so they are told apart by the order the
 * kernel numbered them (ids grow, though other processes' threads may come in between): `main` is
 * the event loop (its id is the pid); `v8` the threads started before any script runs (the
 * inspector's signal thread, V8's four platform workers — parallel scavenge, concurrent marking,
 * background compiles — and its delayed-task scheduler); `later` every thread started after them:
 * libuv's pool (file reads, stats) and worker threads such as tsx's loader.
 */
export type ThreadGroup = 'main' | 'v8' | 'later';

const STARTUP_THREADS = 6;

function threadGroupOf(rank: number): ThreadGroup {
  if (rank === 0) return 'main';
  return rank <= STARTUP_THREADS ? 'v8' : 'later';
}

/** CPU seconds per thread group of a process so far (/proc/<pid>/task/<tid>/stat); undefined off Linux or once it is gone. */
export function threadCpuSecondsOf(pid: number): Partial<Record<ThreadGroup, number>> | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`).sort((a, b) => Number(a) - Number(b));
  } catch {
    return undefined;
  }
  const out: Partial<Record<ThreadGroup, number>> = {};
  for (const [rank, tid] of tids.entries()) {
    try {
      const group = threadGroupOf(rank);
      out[group] = (out[group] ?? 0) + statCpuSeconds(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
    } catch {
      // The thread ended between the listing and the read; its time is gone with it.
    }
  }
  return out;
}

/** Starts measuring one process's threads; `stop` gives each group's CPU seconds over the interval. */
export function startThreadMeter(pid: number): { stop(): Partial<Record<ThreadGroup, number>> } {
  const before = threadCpuSecondsOf(pid) ?? {};
  return {
    stop() {
      const after = threadCpuSecondsOf(pid) ?? {};
      const used: Partial<Record<ThreadGroup, number>> = {};
      for (const group of ['main', 'v8', 'later'] as const) {
        const end = after[group];
        // A thread that ended meanwhile took its time with it: a group never goes below zero.
        if (end !== undefined) used[group] = Math.max(0, end - (before[group] ?? 0));
      }
      return used;
    },
  };
}
