// Command-line options of bench/run.ts: which scenarios, which size, how many runs, and where
// the processes under test run (client-fleet processes per capacity case, Tailgate in the runner
// or in its own process with extra node flags, e.g. for a CPU profile).
import { parseArgs } from 'node:util';

import { BENCH_SIZES, type BenchSize } from './bench-size';

export const SCENARIOS = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S8', 'S10', 'AG', 'RD'] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

/** Where the capacity scenarios (S1–S3) run their processes. */
export interface ProcessLayout {
  /** Client-fleet processes per capacity case; `auto` (the default) picks by listeners and cores (`clientProcessesFor`). */
  readonly clientProcesses: number | 'auto';
  /** Node flags for Tailgate in its own process (gateway-process.ts); undefined: Tailgate runs in the runner (the default). */
  readonly gatewayProcess: { readonly nodeFlags: readonly string[] } | undefined;
}

export interface BenchOptions {
  readonly scenarios: ReadonlySet<ScenarioId>;
  readonly size: BenchSize;
  readonly layout: ProcessLayout;
  /** AG: agent settings over the bench's (`--agent-flags="--max-batch-records=2000"`), for A/B runs. */
  readonly agentFlags: Readonly<Record<string, string>>;
}

export const USAGE = `usage: bench/run.ts [--scenario S1,S2,S3,S4,S5,S6,S8,S10,AG,RD] [--size smoke|full] [--runs N]
                    [--client-processes auto|N] [--gateway runner|process] [--gateway-flags="<node flags>"]
  S1   one source → one listener, with B0, B1, B2 (capacity); full size also S1-redis with B1-redis
  S2   one stream → N listeners with mixed permissions, with B1 and B2 at the same N
  S3   P sources → P listeners, each its own stream, with B1 (a room per pod)
  S4   latency at 10/50/80% of S1's capacity, one listener; and N listeners at 50% of S1's
       deliveries/s (runs S1 first for that capacity)
  S5   memory per listener, idle and active, median over fresh gateway processes
  S6   reconnect storm: N listeners of I identities drop at once onto a fresh gateway
  S8   one slow consumer among N listeners: the others' p99 with it ÷ without it
  S10  two gateway replicas on one Redis against one, same listeners (capacity, latency, upstreams)
  AG   the node agent in its own process on Redis: read + parse + publish MB/s beside a raw
       read-and-split of the same bytes, append-to-publish latency, RSS tailing 100 containers
  RD   per-listener redaction: ns/record of one listener's share with no profile and with
       'strict', and their ratio, in the runner
  --client-processes  client-fleet processes per S1–S3 capacity case (default auto: one below
                      200 listeners, else one per 250 listeners up to one per core)
  --gateway process   Tailgate of S1–S3 in its own process (default runner: in the runner's)
  --gateway-flags     node flags for that process, e.g. --gateway-flags="--cpu-prof --cpu-prof-dir=/tmp/prof"
                      (implies --gateway process); also given to AG's agent process
  --agent-flags       AG's agent settings over the bench's, e.g. --agent-flags="--max-batch-records=2000"`;

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      scenario: { type: 'string' },
      size: { type: 'string', default: 'full' },
      runs: { type: 'string' },
      'client-processes': { type: 'string', default: 'auto' },
      gateway: { type: 'string', default: 'runner' },
      'gateway-flags': { type: 'string' },
      'agent-flags': { type: 'string' },
    },
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
      memoryRuns: given ? runs : size.memoryRuns,
      agentRuns: given ? runs : size.agentRuns,
      agentLatencyRuns: given ? runs : size.agentLatencyRuns,
    },
    layout: parseLayout(values['client-processes'], values.gateway, values['gateway-flags']),
    agentFlags: parseAgentFlags(values['agent-flags'] ?? ''),
  };
}

/** `--name=value …` → { name: value }; the agent's own parser checks names and values. */
function parseAgentFlags(text: string): Record<string, string> {
  const flags: Record<string, string> = {};
  for (const flag of text.split(/\s+/).filter((f) => f.length > 0)) {
    const match = /^--([a-z-]+)=(.*)$/.exec(flag);
    if (!match) throw new Error(`--agent-flags takes --name=value settings of the agent\n${USAGE}`);
    flags[match[1] as string] = match[2] as string;
  }
  return flags;
}

function parseLayout(clientProcesses: string, gateway: string, gatewayFlags: string | undefined): ProcessLayout {
  const count = Number(clientProcesses);
  if (clientProcesses !== 'auto' && (!Number.isInteger(count) || count < 1 || count > 16))
    throw new Error(`--client-processes must be auto or an integer from 1 to 16\n${USAGE}`);
  if (gateway !== 'runner' && gateway !== 'process') throw new Error(`--gateway must be runner or process\n${USAGE}`);
  const nodeFlags = (gatewayFlags ?? '').split(/\s+/).filter((flag) => flag.length > 0);
  if (nodeFlags.some((flag) => !flag.startsWith('--')))
    throw new Error(`--gateway-flags takes node flags only (each --name[=value])\n${USAGE}`);
  return {
    clientProcesses: clientProcesses === 'auto' ? 'auto' : count,
    gatewayProcess: gateway === 'process' || nodeFlags.length > 0 ? { nodeFlags } : undefined,
  };
}

/** Below this many listeners one client process keeps up with any pipeline here. */
const ONE_PROCESS_BELOW = 200;
const LISTENERS_PER_PROCESS = 250;

/**
 * Client-fleet processes for a capacity case of `listeners`: the fixed count, or for `auto` one
 * below 200 listeners, else one per 250 listeners and at most one per core. More processes than
 * cores only add context switches: the clients then compete with the server for the same cores.
 */
export function clientProcessesFor(setting: ProcessLayout['clientProcesses'], listeners: number, cores: number): number {
  if (setting !== 'auto') return Math.max(1, Math.min(setting, listeners));
  if (listeners < ONE_PROCESS_BELOW) return 1;
  return Math.max(1, Math.min(Math.ceil(listeners / LISTENERS_PER_PROCESS), cores));
}
