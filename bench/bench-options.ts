// Command-line options of bench/run.ts: which scenarios, which size, how many runs.
import { parseArgs } from 'node:util';

import { BENCH_SIZES, type BenchSize } from './bench-size';

export const SCENARIOS = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S8', 'S10'] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

export interface BenchOptions {
  readonly scenarios: ReadonlySet<ScenarioId>;
  readonly size: BenchSize;
}

export const USAGE = `usage: bench/run.ts [--scenario S1,S2,S3,S4,S5,S6,S8,S10] [--size smoke|full] [--runs N]
  S1   one source → one listener, with B0, B1, B2 (capacity)
  S2   one stream → N listeners with mixed permissions, with B1 and B2 at the same N
  S3   P sources → P listeners, each its own stream, with B1 (a room per pod)
  S4   latency at 10/50/80% of S1's capacity, one listener; and N listeners at 50% of S1's
       deliveries/s (runs S1 first for that capacity)
  S5   memory per listener, idle and active
  S6   reconnect storm: N listeners of I identities drop at once onto a fresh gateway
  S8   one slow consumer among N listeners: the others' p99 with it ÷ without it
  S10  two gateway replicas on one Redis against one, same listeners (capacity, latency, upstreams)`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: { scenario: { type: 'string' }, size: { type: 'string', default: 'full' }, runs: { type: 'string' } },
    strict: true,
  });
  const size = BENCH_SIZES[values.size as BenchSize['name']] as BenchSize | undefined;
  if (!size) throw new Error(`--size must be smoke or full\n${USAGE}`);
  const requested = (values.scenario ?? SCENARIOS.join(',')).split(',').map((s) => s.trim().toUpperCase());
  const unknown = requested.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(', ')}\n${USAGE}`);
  const scenarios = new Set(requested as ScenarioId[]);
  if (scenarios.has('S4')) scenarios.add('S1');
  const runs = values.runs === undefined ? size.runs : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error(`--runs must be an integer from 1 to 50\n${USAGE}`);
  const given = values.runs !== undefined;
  return {
    scenarios,
    size: {
      ...size,
      runs,
      latencyRuns: given ? runs : size.latencyRuns,
      sourceRuns: given ? runs : size.sourceRuns,
      stormRuns: given ? runs : size.stormRuns,
      replicaRuns: given ? runs : size.replicaRuns,
      replicaLatencyRuns: given ? runs : size.replicaLatencyRuns,
    },
  };
}
