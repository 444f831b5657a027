// A real Redis Cluster for tests (DESIGN.md §9): masters only (3 by default) on free loopback
// ports, each a redis-server with cluster-enabled and its nodes.conf in its own temporary
// directory, slots split evenly, joined with CLUSTER MEET. Nodes restart in place (same port, same
// nodes.conf, so the same node id and slots, but no data); everything stops by PID.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './free-port';
import { redisCli } from './redis-cli';
import { findRedisCli, findRedisServer } from './redis-server-executable';
import { type RedisLaunch, RedisServerProcess } from './redis-server-process';

export const CLUSTER_SLOT_COUNT = 16_384;

export interface RedisClusterOptions {
  /** How many masters. Default 3. */
  readonly masters?: number;
  /** redis-server binary. Default: $REDIS_SERVER_BIN, else redis-server on $PATH. */
  readonly executable?: string;
  /** redis-cli binary. Default: $REDIS_CLI_BIN, else redis-cli on $PATH. */
  readonly cli?: string;
  /** How long each node, and then the whole cluster, may take to become ready. Default 10 000 ms. */
  readonly startTimeoutMs?: number;
  /** How long SIGTERM may take before SIGKILL. Default 5 000 ms. */
  readonly stopTimeoutMs?: number;
  /**
   * `cluster-node-timeout`. A restarted master refuses commands (CLUSTERDOWN) for this long, at
   * least 500 ms, before it rejoins. Default 1 000 ms.
   */
  readonly nodeTimeoutMs?: number;
}

export interface RedisClusterNode {
  /** `redis://127.0.0.1:<port>`; the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** PID of the node's current redis-server; a restart gives a new one. */
  readonly pid: number;
  /** First and last slot this node serves. */
  readonly slots: readonly [number, number];
  /** Stops the node and starts it again in place; resolves once every node reports the cluster ok. */
  restart(): Promise<void>;
}

export interface RedisCluster {
  readonly nodes: readonly RedisClusterNode[];
  /** Every node's URL, for client seed lists. */
  readonly urls: readonly string[];
  /** The node serving `slot`. */
  nodeForSlot(slot: number): RedisClusterNode;
  /** Stops every node and removes their directories. Idempotent. */
  stop(): Promise<void>;
}

interface NodeRun {
  readonly busPort: number;
  readonly slots: readonly [number, number];
  server: RedisServerProcess;
}

/** Starts a cluster and resolves once every node reports it ok. Throws loudly if redis-server or redis-cli is missing. */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const executable = findRedisServer(options.executable);
  const cli = findRedisCli(options.cli);
  const masters = options.masters ?? 3;
  if (!Number.isInteger(masters) || masters < 1) throw new RangeError(`a cluster needs at least one master, not ${masters}`);
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  const root = await mkdtemp(join(tmpdir(), 'tailgate-redis-cluster-'));
  const runs: NodeRun[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(runs.map((run) => run.server.stop(stopTimeoutMs)));
    await rm(root, { recursive: true, force: true });
  };
  try {
    const nodeSettings = { executable, startTimeoutMs, nodeTimeoutMs: options.nodeTimeoutMs ?? 1_000 };
    runs.push(...(await Promise.all(Array.from({ length: masters }, (_, i) => launchNode(root, i, masters, nodeSettings)))));
    await formCluster(cli, runs);
    await waitUntilClusterOk(cli, runs, startTimeoutMs);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return clusterHandle(cli, runs, { startTimeoutMs, stopTimeoutMs }, stopAll);
}

async function launchNode(
  root: string,
  index: number,
  masters: number,
  settings: { executable: string; startTimeoutMs: number; nodeTimeoutMs: number },
): Promise<NodeRun> {
  const dir = join(root, `node-${index}`);
  await mkdir(dir);
  // Set by the attempt that succeeds, which is the last one.
  let busPort = 0;
  const server = await RedisServerProcess.launchOnFreePort(async (port): Promise<RedisLaunch> => {
    busPort = await freePort();
    const cluster = ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--cluster-port', String(busPort)];
    const timeouts = ['--cluster-node-timeout', String(settings.nodeTimeoutMs)];
    return { executable: settings.executable, port, dir, startTimeoutMs: settings.startTimeoutMs, extraArgs: [...cluster, ...timeouts] };
  });
  const first = Math.floor((index * CLUSTER_SLOT_COUNT) / masters);
  const last = Math.floor(((index + 1) * CLUSTER_SLOT_COUNT) / masters) - 1;
  return { busPort, slots: [first, last], server };
}

// What `redis-cli --cluster create` does, without its one-second polling: distinct config epochs,
// every node its slots, then one node meets the others and gossip spreads the rest.
async function formCluster(cli: string, runs: readonly NodeRun[]): Promise<void> {
  await Promise.all(
    runs.map(async (run, i) => {
      await expectOk(cli, run.server.port, ['CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1)]);
      await expectOk(cli, run.server.port, ['CLUSTER', 'ADDSLOTSRANGE', String(run.slots[0]), String(run.slots[1])]);
    }),
  );
  const [first, ...others] = runs;
  if (first === undefined) return;
  for (const other of others) {
    await expectOk(cli, first.server.port, ['CLUSTER', 'MEET', '127.0.0.1', String(other.server.port), String(other.busPort)]);
  }
}

async function expectOk(cli: string, port: number, args: readonly string[]): Promise<void> {
  const reply = await redisCli(cli, port, args);
  if (reply !== 'OK') throw new Error(`redis-cli -p ${port} ${args.join(' ')} answered ${JSON.stringify(reply)}`);
}

/** Every node knows every node and serves commands for all slots. */
async function waitUntilClusterOk(cli: string, runs: readonly NodeRun[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const wanted = [`cluster_state:ok`, `cluster_slots_ok:${CLUSTER_SLOT_COUNT}`, `cluster_known_nodes:${runs.length}`];
  let last = '';
  while (Date.now() < deadline) {
    const infos = await Promise.all(runs.map((run) => redisCli(cli, run.server.port, ['CLUSTER', 'INFO']).catch((e: Error) => e.message)));
    if (infos.every((info) => wanted.every((line) => info.split(/\r?\n/).includes(line)))) return;
    last = infos.join('\n---\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the Redis Cluster was not ok after ${timeoutMs} ms; last CLUSTER INFO replies:\n${last}`);
}

function clusterHandle(
  cli: string,
  runs: readonly NodeRun[],
  timeouts: { startTimeoutMs: number; stopTimeoutMs: number },
  stopAll: () => Promise<void>,
): RedisCluster {
  let stopped: Promise<void> | undefined;
  const nodes = runs.map((run): RedisClusterNode => ({
    url: `redis://127.0.0.1:${run.server.port}`,
    port: run.server.port,
    get pid() {
      return run.server.pid;
    },
    slots: run.slots,
    async restart() {
      if (stopped !== undefined) throw new Error(`the cluster was stopped; start a new one`);
      await run.server.stop(timeouts.stopTimeoutMs);
      run.server = await RedisServerProcess.launch(run.server.launched);
      await waitUntilClusterOk(cli, runs, timeouts.startTimeoutMs);
    },
  }));
  return {
    nodes,
    urls: nodes.map((node) => node.url),
    nodeForSlot(slot) {
      const node = nodes.find(({ slots: [first, last] }) => slot >= first && slot <= last);
      if (node === undefined) throw new RangeError(`slot ${slot} is outside 0…${CLUSTER_SLOT_COUNT - 1}`);
      return node;
    },
    stop() {
      stopped ??= stopAll();
      return stopped;
    },
  };
}
