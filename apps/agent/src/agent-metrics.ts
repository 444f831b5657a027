// Prometheus metrics of one agent, in a registry of its own (tests run several agents in a process).
// Counters of the tailing engine are fed from its running totals, so a scrape costs the hot path nothing.
import type { TailCounts } from '@tailgate/plugin-node-file';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

export type ReadErrorKind = 'directory' | 'file';

export class AgentMetrics {
  readonly registry = new Registry();
  readonly readErrors = new Counter({
    name: 'tailgate_agent_read_errors_total',
    help: 'Directories and files the agent could not read, by kind and errno code (EACCES: see /readyz and docs), counted once per path and code.',
    labelNames: ['kind', 'code'] as const,
    registers: [this.registry],
  });
  readonly containers = new Gauge({
    name: 'tailgate_agent_containers',
    help: 'Container log directories found on this node.',
    registers: [this.registry],
  });
  readonly containersTailed = new Gauge({
    name: 'tailgate_agent_containers_tailed',
    help: 'Container log directories being tailed.',
    registers: [this.registry],
  });
  readonly ready: Gauge = new Gauge({
    name: 'tailgate_agent_ready',
    help: '1 when /readyz answers 200.',
    registers: [this.registry],
    collect: () => {
      if (this.isReady) this.ready.set(this.isReady() ? 1 : 0);
    },
  });
  readonly positionSaves = new Counter({
    name: 'tailgate_agent_position_saves_total',
    help: 'Writes of the resume positions file, by result (ok, error).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly tailCounters: Record<keyof TailCounts, Counter> = {
    bytes: this.counter('bytes_read_total', 'Bytes read from container log files.'),
    records: this.counter('records_read_total', 'Records decoded from container log files.'),
    malformed: this.counter('lines_malformed_total', 'Lines skipped because they are not CRI entries.'),
    truncated: this.counter('lines_truncated_total', 'Lines longer than maxLineBytes, kept capped with the marker `…[truncated]`.'),
    rotations: this.counter('rotations_total', 'Log files finished and followed into the next one (rename rotation, container restart).'),
    truncations: this.counter('truncations_total', 'Log files truncated or rewritten in place (copytruncate), read again from the start.'),
    gaps: this.counter('position_gaps_total', 'Saved positions whose file was gone at resume: lines may be missing.'),
  };
  private lastTotals: TailCounts | undefined;
  private isReady: (() => boolean) | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Answers tailgate_agent_ready at each scrape. */
  observeReadiness(isReady: () => boolean): void {
    this.isReady = isReady;
  }

  /** Feeds the tailing counters from the engine's running totals. */
  observeTail(totals: TailCounts, tailed: number): void {
    const last = this.lastTotals;
    for (const key of Object.keys(this.tailCounters) as (keyof TailCounts)[]) {
      const delta = totals[key] - (last?.[key] ?? 0);
      if (delta > 0) this.tailCounters[key].inc(delta);
    }
    this.lastTotals = totals;
    this.containersTailed.set(tailed);
  }

  private counter(name: string, help: string): Counter {
    return new Counter({ name: `tailgate_agent_${name}`, help, registers: [this.registry] });
  }
}
