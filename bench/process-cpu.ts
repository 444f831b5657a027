// CPU time per process over a measured interval: `process.cpuUsage()` for this process, and
// utime + stime from /proc/<pid>/stat for children (client fleets, redis-server); and the whole
// machine's busy time from /proc/stat, which shows what other jobs on a shared machine took.
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
