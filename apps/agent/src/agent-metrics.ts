// Prometheus metrics of one agent, in a registry of its own (tests run several agents in a process).
// Counters of the tailing engine are fed from its running totals, so a scrape costs the hot path nothing.
import type { DemandServerCounts } from '@tailgate/plugin-agent-pod-logs';
import type { TailCounts } from '@tailgate/cri-logs';
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
  readonly containersTailed: Gauge = new Gauge({
    name: 'tailgate_agent_containers_tailed',
    help: 'Container log directories being tailed.',
    registers: [this.registry],
    collect: () => this.tailFeed?.(),
  });
  private tailFeed: (() => void) | undefined;
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
  readonly demands: Gauge = new Gauge({
    name: 'tailgate_agent_demands',
    help: 'Streams (demand runs) this agent serves now.',
    registers: [this.registry],
    collect: () => this.demandFeed?.(),
  });
  private demandFeed: (() => void) | undefined;
  readonly demandsRefused = new Counter({
    name: 'tailgate_agent_demands_refused_total',
    help: 'Demand messages refused, by code (invalid_demand, too_many_containers, too_many_demands).',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  private readonly demandCounters = {
    recordsPublished: this.counter('records_published_total', 'Records published to gateways (after the filters of each stream).'),
    recordsFiltered: this.counter('records_filtered_total', "Records a stream's filters (stream, include, exclude) kept off the bus."),
    publishFailures: this.counter('publish_failures_total', 'Messages the bus did not take (Redis down): their records are lost.'),
  };
  private lastDemandCounts = { recordsPublished: 0, recordsFiltered: 0, publishFailures: 0, refused: {} as Record<string, number> };
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

  /**
   * Runs `feed` (which calls observeTail) before each scrape: summing every container's counts at
   * each step made garbage an idle agent did not need (see docs/performance.md, AG memory).
   */
  observeTailOnScrape(feed: () => void): void {
    this.tailFeed = feed;
  }

  /** Runs `feed` before each scrape. */
  observeDemandOnScrape(feed: () => void): void {
    this.demandFeed = feed;
  }

  /** Feeds the demand counters from the server's running counts. */
  observeDemand(counts: DemandServerCounts, runs: number): void {
    const last = this.lastDemandCounts;
    for (const key of ['recordsPublished', 'recordsFiltered', 'publishFailures'] as const) {
      const delta = counts[key] - last[key];
      if (delta > 0) this.demandCounters[key].inc(delta);
      last[key] = counts[key];
    }
    for (const [code, value] of Object.entries(counts.demandsRefused)) {
      const delta = value - (last.refused[code] ?? 0);
      if (delta > 0) this.demandsRefused.inc({ code }, delta);
      last.refused[code] = value;
    }
    this.demands.set(runs);
  }

  private counter(name: string, help: string): Counter {
    return new Counter({ name: `tailgate_agent_${name}`, help, registers: [this.registry] });
  }
}
