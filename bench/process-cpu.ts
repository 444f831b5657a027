// CPU time per process over a measured interval: `process.cpuUsage()` for this process, and
// utime + stime from /proc/<pid>/stat for children (client fleets, redis-server).
import { readFileSync } from 'node:fs';

/** Linux clock ticks per second (`getconf CLK_TCK`); 100 on every kernel we run on. */
const CLOCK_TICKS = 100;

/** CPU seconds a process has used so far; undefined once it is gone. */
export function cpuSecondsOf(pid: number): number | undefined {
  if (pid === process.pid) {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces; fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
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
