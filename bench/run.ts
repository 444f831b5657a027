// Entry point of the benchmark suite (issue 7, performance.md §8):
//   tsx --tsconfig tsconfig.base.json --conditions=@tailgate/source bench/run.ts [--scenario S1,S2,S3,S4,S5,S6,S8,S10,AG,RD] [--size smoke|full] [--runs N]
//     [--client-processes auto|N] [--gateway runner|process] [--gateway-flags="<node flags>"]  (see bench-options.ts)
// Starts a real redis-server on a free loopback port, runs the scenarios and their baselines
// interleaved, prints tables, writes bench/results/<timestamp>.json, and exits non-zero only
// when a CI gate (a gross ratio regression) fails.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { startRedisServer } from '@tailgate/testing';
import { Redis } from 'ioredis';

import { type BenchOptions, parseBenchOptions, type ScenarioId } from './bench-options';
import { STREAM_DEFAULTS } from './gateway-under-test';
import type { CapacityResult } from './interleaved-runs';
import { describeMachine } from './machine-info';
import { renderOutcome } from './results-table';
import { type AgentResult, runAgent } from './scenario-agent';
import { runFanOut } from './scenario-fan-out';
import { type LatencyResult, runLatency, runLatencyFanOut } from './scenario-latency';
import { runManySources } from './scenario-many-sources';
import { type RedactionResult, runRedaction } from './scenario-redaction';
import { type MemoryResult, runMemory } from './scenario-memory';
import { type ReconnectStormResult, runReconnectStorm } from './scenario-reconnect-storm';
import { type ReplicasResult, runReplicas } from './scenario-replicas';
import { runSlowConsumer, type SlowConsumerResult } from './scenario-slow-consumer';
import { runThroughput } from './scenario-throughput';
import { type BenchOutcome, checkGates, checkTargets } from './targets';

const REPO_ROOT = resolve(__dirname, '..');
const log = (line: string): void => void process.stdout.write(`${line}\n`);

interface ScenariosRun {
  readonly outcome: BenchOutcome;
  /** RD, when it ran. */
  readonly redaction: RedactionResult | undefined;
  readonly redisVersion: string;
  /** Wall seconds per scenario (the CI smoke has a budget of 60 s in all). */
  readonly seconds: Partial<Record<ScenarioId, number>>;
}

async function runScenarios(options: BenchOptions): Promise<ScenariosRun> {
  const redis = await startRedisServer();
  const capacity: CapacityResult[] = [];
  const latency: LatencyResult[] = [];
  let memory: MemoryResult | undefined;
  let slowConsumer: SlowConsumerResult | undefined;
  let storm: ReconnectStormResult | undefined;
  let replicas: ReplicasResult | undefined;
  let agent: AgentResult | undefined;
  let redaction: RedactionResult | undefined;
  try {
    const info = new Redis(redis.url);
    const redisVersion = /redis_version:(\S+)/.exec(await info.info('server'))?.[1] ?? 'unknown';
    info.disconnect();
    const handle = { url: redis.url, pid: redis.pid };
    const { scenarios, size, layout } = options;
    const seconds: Partial<Record<ScenarioId, number>> = {};
    const step = async (id: ScenarioId, headline: string, body: () => Promise<void>): Promise<void> => {
      if (!scenarios.has(id)) return;
      log(headline);
      const started = Date.now();
      await body();
      seconds[id] = Math.round((Date.now() - started) / 100) / 10;
      log(`  ${id} took ${seconds[id]} s`);
    };
    await step(
      'S5',
      `S5: memory per listener, ${size.memoryListeners} listeners, ${size.memoryRuns} fresh gateway process(es)`,
      async () => {
        memory = await runMemory(size, log);
      },
    );
    await step('S1', 'S1: one source → one listener, with B0, B1, B2', async () => {
      capacity.push(...(await runThroughput(size, handle, layout, log)));
    });
    await step('S2', `S2: one stream → ${size.fanOutListeners} listeners, mixed permissions, with B1 and B2 at the same N`, async () => {
      capacity.push(...(await runFanOut(size, size.name === 'full' ? handle : undefined, layout, log)));
    });
    await step('S3', `S3: ${size.sources} sources → ${size.sources} listeners, each its own stream, with B1 (a room per pod)`, async () => {
      capacity.push(...(await runManySources(size, size.name === 'full' ? handle : undefined, layout, log)));
    });
    await step('S4', `S4: latency at fixed rates, one listener and ${size.latencyListeners} listeners`, async () => {
      const s1 = capacity.find((r) => r.key === 'S1')?.linesPerSec.median ?? Number.NaN;
      if (!Number.isFinite(s1)) throw new Error('S4 needs the S1 capacity, which was not measured');
      log(`  S1 capacity ${Math.round(s1)} lines/s (one listener: as many deliveries/s)`);
      latency.push(...(await runLatency(size, s1, { key: 'S4', label: 'S4 node-file defaults (poll 100 ms)' }, log)));
      if (size.name === 'full') {
        const variant = { key: 'S4-poll10', label: 'S4 node-file pollIntervalMs 10', nodeFile: { pollIntervalMs: 10 } };
        latency.push(...(await runLatency(size, s1, variant, log)));
      }
      latency.push(await runLatencyFanOut(size, s1, log));
    });
    const stormHeadline = `S6: reconnect storm, ${size.stormListeners} listeners of ${size.stormIdentities} identities, jitter 0–${size.stormJitterMs} ms`;
    await step('S6', stormHeadline, async () => {
      storm = await runReconnectStorm(size, log);
    });
    await step(
      'S8',
      `S8: one slow consumer among ${size.slowConsumerListeners} listeners at ${size.slowConsumerRatePerSec} lines/s`,
      async () => {
        slowConsumer = await runSlowConsumer(size, log);
      },
    );
    await step('S10', `S10: ${size.replicaListeners} listeners on two gateway replicas against one, Redis bus`, async () => {
      replicas = await runReplicas(size, handle, layout.clientProcesses, log);
      capacity.push(...replicas.capacity);
    });
    const agentHeadline = `AG: the node agent on Redis, ${size.agentThroughputBytes / 1e6} MB appended per run, latency at ${size.agentLatencyRatesPerSec.join(' and ')} lines/s, RSS with ${size.agentContainers} containers`;
    await step('AG', agentHeadline, async () => {
      agent = await runAgent(size, handle, { nodeFlags: layout.gatewayProcess?.nodeFlags ?? [], settings: options.agentFlags }, log);
    });
    await step('RD', 'RD: per-listener redaction, one listener, no profile against `strict`', async () => {
      redaction = await runRedaction(size, log);
    });
    return {
      redaction,
      outcome: { capacity, latency, memory, slowConsumer, storm, replicas, agent, batchWindowMs: STREAM_DEFAULTS.maxBatchWaitMs },
      redisVersion,
      seconds,
    };
  } finally {
    await redis.stop();
  }
}

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2));
  const started = Date.now();
  const machine = describeMachine(REPO_ROOT);
  const { layout } = options;
  const flags = layout.gatewayProcess?.nodeFlags.join(' ') ?? '';
  const gatewayAt = layout.gatewayProcess ? `in its own process${flags ? ` (${flags})` : ''}` : 'in the runner';
  log(
    `Tailgate bench, size ${options.size.name}, ${options.size.runs} runs, scenarios ${[...options.scenarios].join(',')}; client processes ${layout.clientProcesses}, S1–S3 gateway ${gatewayAt}`,
  );
  const { outcome, redaction, redisVersion, seconds } = await runScenarios(options);
  const targets = checkTargets(outcome);
  const gates = options.size.name === 'smoke' ? checkGates(outcome) : [];
  const wallSeconds = Math.round((Date.now() - started) / 100) / 10;
  log(`\n${renderOutcome(outcome, targets, gates)}\n\nwall time ${wallSeconds} s`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${stamp}.json`);
  const record = {
    startedAt: new Date(started).toISOString(),
    wallSeconds,
    scenarioSeconds: seconds,
    command: `bench/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
    size: options.size,
    layout,
    agentFlags: options.agentFlags,
    machine: { ...machine, packages: { ...machine.packages, 'redis-server': redisVersion } },
    ...outcome,
    ...(redaction && { redaction }),
    targets,
    gates,
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  log(`results: ${file}`);
  const failed = gates.filter((g) => !g.pass);
  for (const gate of failed) log(`CI gate failed: ${gate.id}: ${gate.rule}, measured ${gate.value.toFixed(2)}×`);
  for (const r of outcome.capacity) for (const problem of r.problems) log(`warning: ${r.key}: ${problem}`);
  for (const l of outcome.latency) for (const problem of l.problems) log(`warning: ${l.key}: ${problem}`);
  for (const problem of outcome.slowConsumer?.problems ?? []) log(`warning: S8: ${problem}`);
  for (const problem of outcome.storm?.problems ?? []) log(`warning: S6: ${problem}`);
  for (const problem of outcome.replicas?.problems ?? []) log(`warning: S10: ${problem}`);
  for (const problem of outcome.agent?.problems ?? []) log(`warning: AG: ${problem}`);
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
