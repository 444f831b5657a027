// The two sizes of the suite: `smoke` for CI (about a minute on 2 cores, about 50 listeners) and
// `full` for on-demand runs (1,000 listeners, 5 runs per case).
export interface BenchSize {
  readonly name: 'smoke' | 'full';
  readonly runs: number;
  /** S1 and its baselines: lines appended per run. */
  readonly throughputLines: number;
  /** S2 and its baselines: listeners, and lines appended per pod per run. */
  readonly fanOutListeners: number;
  readonly fanOutLinesPerPod: number;
  /** B2 emits once per record and listener, so it gets fewer lines to stay within the time budget. */
  readonly perRecordLinesPerPod: number;
  /** S4: runs per rate (each a separate latency distribution), measured duration, warm-up cut. */
  readonly latencyRuns: number;
  readonly latencyMs: number;
  readonly latencyWarmupMs: number;
  /** S4@N: listeners at 50% load (same runs, duration and warm-up as S4). */
  readonly latencyListeners: number;
  /** S5: listeners held open, and fresh gateway processes measured (the result is their median). */
  readonly memoryListeners: number;
  readonly memoryRuns: number;
  /** S8: listeners on the stream, one of them slow in every other run, and the live rate in lines/s. */
  readonly slowConsumerListeners: number;
  readonly slowConsumerRatePerSec: number;
  /** S8: runs of each case (the smoke keeps it short: S8 is its longest part). */
  readonly slowConsumerRuns: number;
  /** S3: sources (pods, one listener each), lines appended per pod per run, runs. */
  readonly sources: number;
  readonly sourceLinesPerPod: number;
  readonly sourceRuns: number;
  /** S6: listeners, distinct identities among them, reconnect jitter, storms of each kind. */
  readonly stormListeners: number;
  readonly stormIdentities: number;
  readonly stormJitterMs: number;
  readonly stormRuns: number;
  /** S10: each replica in its own process (else in the runner), listeners split over the replicas, capacity runs, latency runs and their live rate in lines/s. */
  readonly replicaProcesses: boolean;
  readonly replicaListeners: number;
  readonly replicaRuns: number;
  readonly replicaLatencyRuns: number;
  readonly replicaLatencyRatePerSec: number;
  /** AG, the node agent: bytes appended per throughput run and runs; latency rates, runs, measured time and warm-up cut; containers and fresh processes of the RSS figure. */
  readonly agentThroughputBytes: number;
  readonly agentRuns: number;
  readonly agentLatencyRatesPerSec: readonly number[];
  readonly agentLatencyRuns: number;
  readonly agentLatencyMs: number;
  readonly agentLatencyWarmupMs: number;
  readonly agentContainers: number;
  readonly agentMemoryRuns: number;
  /**
   * How long the first RSS agent stays following its containers with no more lines, its RSS read
   * every 5 s from 30 s on (no forced GC; the largest reading counts); 0: not measured.
   */
  readonly agentQuietMs: number;
  readonly timeoutMs: number;
}

export const BENCH_SIZES: Readonly<Record<BenchSize['name'], BenchSize>> = {
  smoke: {
    name: 'smoke',
    runs: 3,
    throughputLines: 20_000,
    fanOutListeners: 50,
    fanOutLinesPerPod: 2_000,
    perRecordLinesPerPod: 500,
    latencyRuns: 1,
    latencyMs: 1_500,
    latencyWarmupMs: 200,
    latencyListeners: 50,
    memoryListeners: 200,
    memoryRuns: 1,
    slowConsumerListeners: 50,
    slowConsumerRatePerSec: 1_000,
    slowConsumerRuns: 2,
    // The smoke of S3, S6 and S10 only has to catch gross breakage: one short run each.
    sources: 20,
    sourceLinesPerPod: 500,
    sourceRuns: 1,
    stormListeners: 100,
    stormIdentities: 20,
    stormJitterMs: 200,
    stormRuns: 1,
    replicaProcesses: false,
    replicaListeners: 20,
    replicaRuns: 1,
    replicaLatencyRuns: 0,
    replicaLatencyRatePerSec: 200,
    // AG's smoke stays under about 20 s: two agent processes of about 3 s to start, 20 MB twice.
    agentThroughputBytes: 20_000_000,
    agentRuns: 2,
    agentLatencyRatesPerSec: [1_000],
    agentLatencyRuns: 1,
    agentLatencyMs: 2_000,
    agentLatencyWarmupMs: 300,
    agentContainers: 100,
    agentMemoryRuns: 1,
    agentQuietMs: 0,
    timeoutMs: 15_000,
  },
  full: {
    name: 'full',
    runs: 5,
    throughputLines: 100_000,
    fanOutListeners: 1_000,
    // 1,000 listeners × 4 pods × 1,500 lines = 6 M deliveries for B1: long enough, and short enough
    // that a swamped client still answers Engine.IO pings (25 s + 20 s) and is not dropped.
    fanOutLinesPerPod: 1_500,
    perRecordLinesPerPod: 150,
    latencyRuns: 5,
    latencyMs: 5_000,
    latencyWarmupMs: 1_000,
    latencyListeners: 1_000,
    memoryListeners: 1_000,
    memoryRuns: 5,
    slowConsumerListeners: 1_000,
    // At 1,000 listeners nearly every line is a frame to each: 20 lines/s is 20 k frames/s.
    slowConsumerRatePerSec: 20,
    slowConsumerRuns: 5,
    sources: 100,
    sourceLinesPerPod: 2_000,
    sourceRuns: 5,
    stormListeners: 1_000,
    stormIdentities: 200,
    stormJitterMs: 1_000,
    stormRuns: 5,
    // Fewer than S2's 1,000: at 1,000 the one client process is the bottleneck, not the gateways.
    replicaProcesses: true,
    replicaListeners: 200,
    replicaRuns: 5,
    replicaLatencyRuns: 5,
    replicaLatencyRatePerSec: 100,
    agentThroughputBytes: 100_000_000,
    agentRuns: 5,
    agentLatencyRatesPerSec: [1_000, 10_000],
    agentLatencyRuns: 5,
    agentLatencyMs: 5_000,
    agentLatencyWarmupMs: 1_000,
    agentContainers: 100,
    agentMemoryRuns: 3,
    agentQuietMs: 150_000,
    timeoutMs: 120_000,
  },
};
