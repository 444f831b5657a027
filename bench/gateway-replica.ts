// The runner's handle on one gateway replica process (gateway-process.ts): forks it through tsx
// with the workspace's source condition (and any extra node flags, e.g. `--cpu-prof`), waits for
// its address, queries its metrics and memory, and stops it by PID if it does not close in time.
import { type ChildProcess, fork } from 'node:child_process';
import { join, resolve } from 'node:path';

import type { WorldSpec } from './bench-world';
import type { ReplicaCommand, ReplicaReport, SettledMemory } from './gateway-process';

const START_TIMEOUT_MS = 60_000;
const ANSWER_TIMEOUT_MS = 10_000;
/** Writing a CPU profile of a long run takes a while at exit; only then is the process killed. */
const EXIT_TIMEOUT_MS = 2_000;
const PROFILED_EXIT_TIMEOUT_MS = 60_000;

export class GatewayReplica {
  private readonly waiting = new Map<string, (report: ReplicaReport) => void>();
  private nextId = 0;
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly exitTimeoutMs: number,
  ) {}

  /** Forks a replica; `nodeFlags` go to its node before the bench's own (e.g. `--cpu-prof --cpu-prof-dir=…`). */
  static async start(spec: WorldSpec, nodeFlags: readonly string[] = []): Promise<GatewayReplica> {
    const child = fork(join(__dirname, 'gateway-process.ts'), [], {
      execArgv: [...nodeFlags, '--conditions=@tailgate/source', '--import', 'tsx'],
      env: { ...process.env, TSX_TSCONFIG_PATH: resolve(__dirname, '..', 'tsconfig.base.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const started = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway replica did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      child.once('exit', (code) => reject(new Error(`gateway replica exited with ${code} before it started`)));
      child.on('message', (report: ReplicaReport) => {
        if (report.type === 'started' || report.type === 'error') clearTimeout(timer);
        if (report.type === 'started') resolveUrl(report.url);
        if (report.type === 'error') reject(new Error(`gateway replica: ${report.message}`));
      });
      child.send({ type: 'start', spec } satisfies ReplicaCommand);
    }).catch((error: unknown) => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
      throw error;
    });
    const profiled = nodeFlags.some((flag) => flag.startsWith('--cpu-prof') || flag.startsWith('--heap-prof'));
    const replica = new GatewayReplica(child, started, profiled ? PROFILED_EXIT_TIMEOUT_MS : EXIT_TIMEOUT_MS);
    child.removeAllListeners('message');
    child.removeAllListeners('exit');
    child.on('message', (report: ReplicaReport) => replica.onReport(report));
    child.once('exit', () => {
      replica.exited = true;
      for (const wake of replica.waiting.values()) wake({ type: 'error', message: 'the gateway replica exited' });
    });
    return replica;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** A counter or gauge of this replica, summed over the series with `label` (name, value). */
  async metric(name: string, label?: readonly [string, string]): Promise<number> {
    const id = this.nextId++;
    const report = await this.ask(`metric:${id}`, { type: 'metric', id, name, ...(label && { label }) });
    return report.type === 'metric' ? report.value : Number.NaN;
  }

  /** RSS and heap in use after forced garbage collections in the replica. */
  async memory(): Promise<SettledMemory> {
    const report = await this.ask('memory', { type: 'memory' });
    if (report.type !== 'memory') throw new Error('unexpected replica report');
    return { rss: report.rss, heapUsed: report.heapUsed };
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      await this.ask('stopped', { type: 'stop' });
    } catch {
      // It did not answer; the kill below ends it.
    }
    const deadline = Date.now() + this.exitTimeoutMs;
    while (!this.exited && Date.now() < deadline) await new Promise((resolveWait) => setTimeout(resolveWait, 20));
    if (!this.exited && this.child.pid !== undefined) process.kill(this.child.pid, 'SIGKILL');
  }

  private onReport(report: ReplicaReport): void {
    const key = report.type === 'metric' ? `metric:${report.id}` : report.type;
    const wake = this.waiting.get(key) ?? (report.type === 'error' ? [...this.waiting.values()][0] : undefined);
    wake?.(report);
  }

  private ask(key: string, command: ReplicaCommand): Promise<ReplicaReport> {
    if (this.exited) return Promise.reject(new Error('the gateway replica exited'));
    return new Promise((resolveReport, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new Error(`no answer to ${command.type} from the gateway replica within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      this.waiting.set(key, (report) => {
        clearTimeout(timer);
        this.waiting.delete(key);
        if (report.type === 'error') reject(new Error(`gateway replica: ${report.message}`));
        else resolveReport(report);
      });
      this.child.send(command);
    });
  }
}
