// One run of a redis-server binary: spawned on 127.0.0.1 without persistence, ready once it says
// so and answers PING, stoppable by PID (SIGTERM, then SIGKILL), never outliving the test process.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

import { freePort } from './free-port';
import { guardAgainstOrphaning, type OrphanGuard } from './orphan-guard';
import { pingRedis } from './redis-ping';

export interface RedisLaunch {
  readonly executable: string;
  readonly port: number;
  readonly dir: string;
  readonly startTimeoutMs: number;
  /** More `--name value` arguments, e.g. the cluster settings of a cluster node. */
  readonly extraArgs?: readonly string[];
}

const READY_LINE = 'Ready to accept connections';
const FREE_PORT_ATTEMPTS = 5;
const LOG_LINES_KEPT = 40;
// `setpriv --pdeathsig KILL` makes the kernel kill redis-server if its parent dies without cleaning up.
const SETPRIV = '/usr/bin/setpriv';

export class RedisServerProcess {
  private readonly log: string[] = [];
  private readonly exited: Promise<void>;
  private readonly announcedReady: Promise<void>;
  private running = true;

  private constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
    /** What this process was launched with; launching it again restarts the server in place. */
    readonly launched: RedisLaunch,
    private readonly guard: OrphanGuard,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => (this.running = false));
    this.announcedReady = new Promise((resolve) => {
      // redis-server logs to stdout (`--logfile ''`); stderr only carries start-up failures.
      for (const output of [child.stdout, child.stderr] as Readable[]) {
        createInterface({ input: output }).on('line', (line) => {
          this.log.push(line);
          if (this.log.length > LOG_LINES_KEPT) this.log.shift();
          if (line.includes(READY_LINE)) resolve();
        });
      }
    });
  }

  /** Spawns redis-server and resolves once it is ready; on failure the error carries its log. */
  static async launch(launch: RedisLaunch): Promise<RedisServerProcess> {
    const child = spawnRedis(launch);
    if (child.pid === undefined) throw await spawnError(child, launch.executable);
    const server = new RedisServerProcess(child, child.pid, launch, guardAgainstOrphaning(child.pid));
    try {
      await server.waitUntilReady(launch);
    } catch (error) {
      await server.stop(1_000);
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${reason}\n--- redis-server log ---\n${server.logTail()}`);
    }
    // A running server must not keep the test process alive; the orphan guard ends it on exit.
    child.unref();
    for (const output of [child.stdout, child.stderr] as Array<Readable & { unref?: () => void }>) output.unref?.();
    return server;
  }

  /** Launches on a free port (`launchFor` builds the launch for it), trying another if that one is taken first. */
  static async launchOnFreePort(launchFor: (port: number) => RedisLaunch | Promise<RedisLaunch>): Promise<RedisServerProcess> {
    let lastError: unknown;
    for (let attempt = 0; attempt < FREE_PORT_ATTEMPTS; attempt += 1) {
      try {
        return await RedisServerProcess.launch(await launchFor(await freePort()));
      } catch (error) {
        // Another process may have bound the port between freePort() and redis-server's bind().
        lastError = error;
      }
    }
    throw lastError;
  }

  get port(): number {
    return this.launched.port;
  }

  logTail(): string {
    return this.log.join('\n');
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the process is gone. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const escalate = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      await this.exited;
      clearTimeout(escalate);
    }
    this.guard.release();
  }

  private async waitUntilReady({ port, startTimeoutMs }: RedisLaunch): Promise<void> {
    let deadline: NodeJS.Timeout | undefined;
    const failure = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new Error(`redis-server on port ${port} not ready after ${startTimeoutMs} ms`)), startTimeoutMs);
      void this.exited.then(() =>
        reject(new Error(`redis-server on port ${port} exited during start-up (code ${String(this.child.exitCode)})`)),
      );
    });
    try {
      await Promise.race([this.announcedReady, failure]);
      if (!(await Promise.race([pingRedis(port), failure]))) throw new Error(`redis-server on port ${port} did not answer PING`);
    } finally {
      clearTimeout(deadline);
    }
  }
}

function spawnRedis(launch: RedisLaunch): ChildProcess {
  const options: SpawnOptions = { stdio: ['ignore', 'pipe', 'pipe'] };
  // setpriv execs redis-server in place, so the child's PID is redis-server's own.
  if (canSetParentDeathSignal()) return spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', launch.executable, ...redisArgs(launch)], options);
  return spawn(launch.executable, redisArgs(launch), options);
}

function canSetParentDeathSignal(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    accessSync(SETPRIV, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function redisArgs({ port, dir, extraArgs = [] }: RedisLaunch): string[] {
  return [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--logfile',
    '',
    ...extraArgs,
  ];
}

function spawnError(child: ChildProcess, executable: string): Promise<Error> {
  return new Promise((resolve) => child.once('error', (error) => resolve(new Error(`cannot start ${executable}: ${error.message}`))));
}
