// Several client-fleet processes that hold one pipeline's listeners between them, driven as one
// fleet: the listeners are split in contiguous shares (`shareOut`), each process is armed with
// what its own share should receive, and the tallies are merged back into listener order. The
// capacity runs use it so that enough processes read the sockets for the server, not the
// clients, to be what limits a run wherever the cores allow it.
import { type ClientFleet, type OpenOptions, shareOut, startFleets } from './client-fleet';
import type { FleetTally } from './fleet-protocol';
import { HdrHistogram } from './hdr-histogram';

export class FleetGroup {
  /** Listeners per process, in order, since the last `open`. */
  private shares: readonly number[] = [];
  /** Records each process waits for since the last `arm` (0: it expects none). */
  private expected: readonly number[] = [];

  private constructor(readonly fleets: readonly ClientFleet[]) {}

  static start(processes: number): FleetGroup {
    return new FleetGroup(startFleets(Math.max(1, processes)));
  }

  get pids(): number[] {
    return this.fleets.map((fleet) => fleet.pid);
  }

  /** Opens the listeners split over the processes, all at once; resolves with the slowest process's connect time. */
  async open(options: OpenOptions): Promise<number> {
    const shares = shareOut(options.listeners, this.fleets.length);
    this.shares = shares.map((share) => share.length);
    const connectMs = await Promise.all(this.fleets.map((fleet, f) => fleet.open({ ...options, listeners: shares[f] ?? [] })));
    return Math.max(0, ...connectMs);
  }

  /** Zeroes the counters; `waitDone` resolves once listener i received `expected[i]` records, for every i, in sum per process. */
  async arm(expected: readonly number[], latency = false, latencyFrom?: number): Promise<void> {
    let at = 0;
    this.expected = this.shares.map((n) => {
      const total = expected.slice(at, at + n).reduce((a, b) => a + b, 0);
      at += n;
      return total;
    });
    // A process expecting nothing is armed to never finish; `waitDone` asks it for its tally instead.
    await Promise.all(this.fleets.map((fleet, f) => fleet.arm(this.expected[f] ?? 0, latency, latencyFrom)));
  }

  /** The merged tally once every process received what it expects, or the tallies so far at `timeoutMs`. */
  async waitDone(timeoutMs: number): Promise<{ complete: boolean; tally: FleetTally }> {
    const done = await Promise.all(
      this.fleets.map(async (fleet, f) =>
        (this.expected[f] ?? 0) > 0 ? fleet.waitDone(timeoutMs) : { complete: true, tally: await fleet.tally() },
      ),
    );
    return { complete: done.every((d) => d.complete), tally: mergeTallies(done.map((d) => d.tally)) };
  }

  async stop(): Promise<void> {
    await Promise.all(this.fleets.map((fleet) => fleet.stop()));
  }
}

/** Counts in listener order, the earliest first and latest last record, latency histograms added, the worst loop delay. */
export function mergeTallies(tallies: readonly FleetTally[]): FleetTally {
  const latency = new HdrHistogram();
  for (const tally of tallies) latency.add(tally.latency);
  const firsts = tallies.map((t) => t.firstAt).filter((at) => at > 0);
  return {
    counts: tallies.flatMap((t) => t.counts),
    firstAt: firsts.length > 0 ? Math.min(...firsts) : 0,
    lastAt: Math.max(0, ...tallies.map((t) => t.lastAt)),
    latency: latency.snapshot(),
    loopDelayP99Ms: Math.max(0, ...tallies.map((t) => t.loopDelayP99Ms)),
  };
}
