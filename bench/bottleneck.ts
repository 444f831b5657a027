// Which process limited a capacity run, judged from the CPU each used over it: the server (its
// one event loop is full), a client process (its loop is full), the cores (every core busy with
// no single loop full: server, clients and whatever else runs on the machine starve each other),
// or none of them (the pipeline waited on its own hand-offs). A ratio between two pipelines says
// something about the servers only when both runs were limited by their server.

/** CPU over one run in % of one core (a process's helper threads can take it past 100). */
export interface CpuSplit {
  /** The busiest process serving the listeners: the gateway (or baseline server) in the runner or in its own process. */
  readonly server: number;
  /** Summed over the client-fleet processes, and the busiest of them. */
  readonly clients: number;
  readonly busiestClient: number;
  readonly clientProcesses: number;
  /** Every measured process together: server(s), clients, Redis, the runner. */
  readonly total: number;
  /** The whole machine's busy time, other jobs included (NaN where unknown). */
  readonly machine: number;
  /** Cores the processes share. */
  readonly cores: number;
}

export type Bottleneck = 'server' | 'client' | 'cores' | 'none';

/** One event loop counts as saturated at this % of a core, and the machine at this share of all cores. */
export const SATURATED_PERCENT = 80;

export function bottleneckOf(cpu: CpuSplit): Bottleneck {
  if (cpu.server >= SATURATED_PERCENT) return 'server';
  if (cpu.busiestClient >= SATURATED_PERCENT) return 'client';
  const busy = Number.isFinite(cpu.machine) ? Math.max(cpu.machine, cpu.total) : cpu.total;
  if (busy >= (SATURATED_PERCENT / 100) * cpu.cores * 100) return 'cores';
  return 'none';
}

/** E.g. `cores (server 52%, clients 148% in 2 processes, machine 196% of 200%, other jobs 0%)`. */
export function describeBottleneck(cpu: CpuSplit): string {
  const pct = (v: number): string => (Number.isFinite(v) ? `${Math.round(v)}%` : '?');
  const clients = cpu.clientProcesses > 1 ? `${pct(cpu.clients)} in ${cpu.clientProcesses} processes` : pct(cpu.clients);
  const others = Math.max(0, cpu.machine - cpu.total);
  return `${bottleneckOf(cpu)} (server ${pct(cpu.server)}, clients ${clients}, machine ${pct(cpu.machine)} of ${cpu.cores * 100}%, other jobs ${pct(others)})`;
}
