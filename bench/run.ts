// Entry point of the benchmark suite (issue 7, performance.md §8):
//   tsx --tsconfig tsconfig.base.json --conditions=@tailgate/source bench/run.ts [--scenario S1,S2,S4,S5,S8] [--size smoke|full] [--runs N]
// Starts a real redis-server on a free loopback port, runs the scenarios and their baselines
// interleaved, prints tables, writes bench/results/<timestamp>.json, and exits non-zero only
// when a CI gate (a gross ratio regression) fails.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { startRedisServer } from '@tailgate/testing';
import { Redis } from 'ioredis';

import { type BenchOptions, parseBenchOptions } from './bench-options';
import { STREAM_DEFAULTS } from './gateway-under-test';
import type { CapacityResult } from './interleaved-runs';
import { describeMachine } from './machine-info';
import { renderOutcome } from './results-table';
import { runFanOut } from './scenario-fan-out';
import { type LatencyResult, runLatency } from './scenario-latency';
import { type MemoryResult, runMemory } from './scenario-memory';
import { runSlowConsumer, type SlowConsumerResult } from './scenario-slow-consumer';
import { runThroughput } from './scenario-throughput';
import { type BenchOutcome, checkGates, checkTargets } from './targets';

const REPO_ROOT = resolve(__dirname, '..');
const log = (line: string): void => void process.stdout.write(`${line}\n`);

async function runScenarios(options: BenchOptions): Promise<{ outcome: BenchOutcome; redisVersion: string }> {
  const redis = await startRedisServer();
  const capacity: CapacityResult[] = [];
  const latency: LatencyResult[] = [];
  let memory: MemoryResult | undefined;
  let slowConsumer: SlowConsumerResult | undefined;
  try {
    const info = new Redis(redis.url);
    const redisVersion = /redis_version:(\S+)/.exec(await info.info('server'))?.[1] ?? 'unknown';
    info.disconnect();
    const handle = { url: redis.url, pid: redis.pid };
    const { scenarios, size } = options;
    // S5 first: RSS only shows a delta while the process has not yet grown for other scenarios.
    if (scenarios.has('S5')) {
      log(`S5: memory per listener, ${size.memoryListeners} listeners`);
      memory = await runMemory(size, log);
    }
    if (scenarios.has('S1')) {
      log('S1: one source → one listener, with B0, B1, B2');
      capacity.push(...(await runThroughput(size, handle, log)));
    }
    if (scenarios.has('S2')) {
      log(`S2: one stream → ${size.fanOutListeners} listeners, mixed permissions, with B1 and B2 at the same N`);
      capacity.push(...(await runFanOut(size, size.name === 'full' ? handle : undefined, log)));
    }
    if (scenarios.has('S4')) {
      const s1 = capacity.find((r) => r.key === 'S1')?.linesPerSec.median ?? Number.NaN;
      if (!Number.isFinite(s1)) throw new Error('S4 needs the S1 capacity, which was not measured');
      log(`S4: latency at fixed rates, S1 capacity ${Math.round(s1)} lines/s`);
      latency.push(...(await runLatency(size, s1, { key: 'S4', label: 'S4 node-file defaults (poll 100 ms)' }, log)));
      if (size.name === 'full') {
        latency.push(
          ...(await runLatency(
            size,
            s1,
            { key: 'S4-poll10', label: 'S4 node-file pollIntervalMs 10', nodeFile: { pollIntervalMs: 10 } },
            log,
          )),
        );
      }
    }
    if (scenarios.has('S8')) {
      log(`S8: one slow consumer among ${size.slowConsumerListeners} listeners at ${size.slowConsumerRatePerSec} lines/s`);
      slowConsumer = await runSlowConsumer(size, log);
    }
    return { outcome: { capacity, latency, memory, slowConsumer, batchWindowMs: STREAM_DEFAULTS.maxBatchWaitMs }, redisVersion };
  } finally {
    await redis.stop();
  }
}

async function main(): Promise<number> {
  const options = parseBenchOptions(process.argv.slice(2));
  const started = Date.now();
  const machine = describeMachine(REPO_ROOT);
  log(`Tailgate bench, size ${options.size.name}, ${options.size.runs} runs, scenarios ${[...options.scenarios].join(',')}`);
  const { outcome, redisVersion } = await runScenarios(options);
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
    command: `bench/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
    size: options.size,
    machine: { ...machine, packages: { ...machine.packages, 'redis-server': redisVersion } },
    ...outcome,
    targets,
    gates,
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  log(`results: ${file}`);
  const failed = gates.filter((g) => !g.pass);
  for (const gate of failed) log(`CI gate failed: ${gate.id}: ${gate.rule}, measured ${gate.value.toFixed(2)}×`);
  for (const r of outcome.capacity) for (const problem of r.problems) log(`warning: ${r.key}: ${problem}`);
  for (const problem of outcome.slowConsumer?.problems ?? []) log(`warning: S8: ${problem}`);
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
