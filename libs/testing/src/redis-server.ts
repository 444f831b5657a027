// A real redis-server for tests (DESIGN.md §9): on a free loopback port, no persistence, its own
// temporary directory, stopped by PID and never left running after the test process exits.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { findRedisServer } from './redis-server-executable';
import { RedisServerProcess } from './redis-server-process';

export interface RedisServerOptions {
  /** Port to listen on. Default: a free loopback port (another is tried if it is taken first). */
  readonly port?: number;
  /** Path of the redis-server binary. Default: $REDIS_SERVER_BIN, else redis-server on $PATH. */
  readonly executable?: string;
  /** How long to wait until it is ready. Default: 10 000 ms. */
  readonly startTimeoutMs?: number;
  /** How long SIGTERM may take before SIGKILL. Default: 5 000 ms. */
  readonly stopTimeoutMs?: number;
}

export interface RedisServer {
  /** `redis://127.0.0.1:<port>`; the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** PID of the current redis-server process; a restart gives a new one. */
  readonly pid: number;
  /** Stops it (SIGTERM, then SIGKILL) and removes its directory. Idempotent. */
  stop(): Promise<void>;
  /** Stops it and starts a new one on the same port; resolves once that one answers PING. */
  restart(): Promise<void>;
}

/** Starts a redis-server and resolves once it answers PING. Throws loudly if redis-server is missing. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const executable = findRedisServer(options.executable);
  const dir = await mkdtemp(join(tmpdir(), 'tailgate-redis-'));
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  const launch = { executable, dir, startTimeoutMs: options.startTimeoutMs ?? 10_000 };
  let current: RedisServerProcess;
  try {
    current =
      options.port === undefined
        ? await RedisServerProcess.launchOnFreePort((port) => ({ ...launch, port }))
        : await RedisServerProcess.launch({ ...launch, port: options.port });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const port = current.port;
  let stopped: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return current.pid;
    },
    stop() {
      stopped ??= current.stop(stopTimeoutMs).then(() => rm(dir, { recursive: true, force: true }));
      return stopped;
    },
    async restart() {
      if (stopped !== undefined) throw new Error(`redis-server on port ${port} was stopped; start a new one`);
      await current.stop(stopTimeoutMs);
      current = await RedisServerProcess.launch({ ...launch, port });
    },
  };
}
