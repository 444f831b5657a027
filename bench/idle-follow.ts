// IF, the cost of following idle containers (performance.md, "The stream path, redesigned"): N
// container directories followed by one AgentTail (the node-file source's defaults; the poll
// interval is the node-file's 100 ms or, with --poll-ms 1000, the agent's), none of
// them written (`quiet`), or beside one container written 100 times a second (`busy`), which
// wakes the tail as a chatty pod does. The CPU of this process per second of wall time is set
// against `raw-poll` in the same run: one `stat` per file per poll interval, the least a poller
// that notices growth, rename and truncation does (it does not notice a restart's new file).
// `--compare <module>` adds the AgentTail of another copy of @tailgate/cri-logs (e.g. the
// previous commit's, exported with `git show` beside a node_modules link), for A/B in one run.
//   tsx --tsconfig tsconfig.base.json --conditions=@tailgate/source bench/idle-follow.ts
//       [--containers 100,1000] [--poll-ms 100] [--seconds 3] [--runs 3] [--compare /tmp/before/src/index.ts]
import { mkdtempSync, rmSync } from 'node:fs';
import { appendFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { AgentTail, type AgentTailOptions, type ContainerLogDir } from '@tailgate/cri-logs';
import { CriLogWriter, encodeCriLine } from '@tailgate/cri-logs/testing';

import { spread } from './percentiles';
import { cpuSecondsOf } from './process-cpu';

/** The node-file source's defaults (plugins/node-file/src/node-file-config.ts). */
const NODE_FILE_DEFAULTS: AgentTailOptions = {
  pollIntervalMs: 100,
  watchFiles: true,
  readChunkBytes: 65_536,
  maxBatchRecords: 100,
  maxLineBytes: 1024 * 1024,
};
const BUSY_INTERVAL_MS = 10;
/** Not measured: the tail starting its containers and their first polls. */
const WARM_UP_MS = 1_000;

type Load = 'quiet' | 'busy';
type Tail = Pick<AgentTail, 'start' | 'run' | 'close'>;
/** A follower under test: an AgentTail made by `make`, or the raw poll (undefined). */
interface Follower {
  readonly name: string;
  readonly make?: (options: AgentTailOptions) => Tail;
}

export interface IdleFollowRow {
  readonly containers: number;
  readonly pollIntervalMs: number;
  readonly load: Load;
  readonly follower: string;
  /** CPU of this process while following, % of one core (median over runs). */
  readonly cpuPercent: number;
  /** ÷ raw-poll's CPU, each run's pair back to back, median. */
  readonly ratio: number;
}

interface World {
  readonly dirs: ContainerLogDir[];
  readonly busy: CriLogWriter;
  readonly root: string;
  readonly options: AgentTailOptions;
}

function makeWorld(containers: number, options: AgentTailOptions): World {
  const root = mkdtempSync(join(tmpdir(), 'tailgate-idle-follow-'));
  const dirs: ContainerLogDir[] = [];
  for (let i = 0; i < containers; i++) {
    const writer = new CriLogWriter(root, { namespace: 'bench', pod: `idle-${i}`, container: 'app' });
    dirs.push({ target: writer.target, path: writer.containerDirectory });
  }
  const busy = new CriLogWriter(root, { namespace: 'bench', pod: 'busy', container: 'app' });
  return { dirs, busy, root, options };
}

/** CPU % of one core this process used while `follower` ran for `ms`. */
async function measure(world: World, follower: Follower, load: Load, ms: number): Promise<number> {
  const stop = new AbortController();
  const { options } = world;
  const running = follower.make ? followWithTail(follower.make(options), world, load, stop.signal) : followWithStat(world, stop.signal);
  const line = encodeCriLine('x'.repeat(100));
  const writes = load === 'busy' ? setInterval(() => void appendFile(world.busy.path, line), BUSY_INTERVAL_MS) : undefined;
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
  const before = cpuSecondsOf(process.pid) ?? 0;
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const cpu = ((cpuSecondsOf(process.pid) ?? 0) - before) / ((performance.now() - started) / 1000);
  clearInterval(writes);
  stop.abort();
  await running;
  return cpu * 100;
}

async function followWithTail(tail: Tail, world: World, load: Load, signal: AbortSignal): Promise<void> {
  for (const dir of world.dirs) tail.start(dir, 'end');
  if (load === 'busy') tail.start({ target: world.busy.target, path: world.busy.containerDirectory }, 'end');
  for await (const events of tail.run(signal)) void events;
  await tail.close();
}

async function followWithStat(world: World, signal: AbortSignal): Promise<void> {
  const files = world.dirs.map((dir) => join(dir.path, '0.log'));
  while (!signal.aborted) {
    for (const file of files) await stat(file);
    await new Promise((resolve) => setTimeout(resolve, world.options.pollIntervalMs));
  }
}

export async function runIdleFollow(
  counts: readonly number[],
  pollIntervalMs: number,
  seconds: number,
  runs: number,
  tails: readonly Required<Follower>[],
  log: (line: string) => void,
): Promise<IdleFollowRow[]> {
  const rows: IdleFollowRow[] = [];
  const followers: Follower[] = [{ name: 'raw-poll' }, ...tails];
  for (const containers of counts) {
    const world = makeWorld(containers, { ...NODE_FILE_DEFAULTS, pollIntervalMs });
    try {
      for (const load of ['quiet', 'busy'] as const) {
        const cpu = new Map<string, number[]>(followers.map((f) => [f.name, []]));
        const ratios = new Map<string, number[]>(followers.map((f) => [f.name, []]));
        for (let run = 0; run < runs; run++) {
          // Rotate which goes first, as the other scenarios alternate theirs.
          const order = followers.map((_, i) => followers[(i + run) % followers.length] as Follower);
          const measured = new Map<string, number>();
          for (const follower of order) measured.set(follower.name, await measure(world, follower, load, seconds * 1000));
          const raw = Math.max(measured.get('raw-poll') ?? 0, 0.1);
          for (const [name, value] of measured) {
            cpu.get(name)?.push(value);
            ratios.get(name)?.push(value / raw);
          }
        }
        for (const { name } of followers) {
          const row = {
            containers,
            pollIntervalMs,
            load,
            follower: name,
            cpuPercent: spread(cpu.get(name) ?? []).median,
            ratio: spread(ratios.get(name) ?? []).median,
          };
          const runsText = (cpu.get(name) ?? []).map((v) => v.toFixed(1)).join(' ');
          log(
            `  IF ${String(containers).padStart(5)} poll ${pollIntervalMs} ms ${load.padEnd(5)} ${name.padEnd(8)} ${row.cpuPercent.toFixed(1)}% [${runsText}]  ${row.ratio.toFixed(2)}× raw-poll`,
          );
          rows.push(row);
        }
      }
    } finally {
      rmSync(world.root, { recursive: true, force: true });
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const options = {
    containers: { type: 'string', default: '100,1000' },
    'poll-ms': { type: 'string', default: String(NODE_FILE_DEFAULTS.pollIntervalMs) },
    seconds: { type: 'string', default: '3' },
    runs: { type: 'string', default: '3' },
    compare: { type: 'string' },
  } as const;
  const { values } = parseArgs({ options });
  const tails: Required<Follower>[] = [{ name: 'tail', make: (o) => new AgentTail(o) }];
  if (values.compare !== undefined) {
    const other = (await import(values.compare)) as { AgentTail: new (o: AgentTailOptions) => Tail };
    tails.push({ name: 'compare', make: (o) => new other.AgentTail(o) });
  }
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  log('IF: idle followed containers, one AgentTail at node-file defaults (inotify on), CPU % of one core');
  const counts = values.containers.split(',').map(Number);
  await runIdleFollow(counts, Number(values['poll-ms']), Number(values.seconds), Number(values.runs), tails, log);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
