// The runner's handle on one node agent process (agent-process.ts): forks it as it runs when
// deployed — plain `node`, no loader hook — waits for its health address, asks for its settled
// memory, and stops it by PID if it does not close in time. The entry is built once per run with
// esbuild: the workspace's sources (source condition) in one file, third-party packages loaded
// from node_modules as the image's `dist` + node_modules do. Under tsx instead, its hook and
// compile caches added about 12 MB to every RSS figure (bare: 54 MB against 41–44 MB).
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { build, type Plugin } from 'esbuild';
import { z } from 'zod';

import type { ForkedCommand as AgentCommand, ForkedReport as AgentReport } from './process-under-test';
import type { ProcessMemory } from './settled-memory';

/** Over IPC's JSON a NaN (no /proc) arrives as null. */
const pageBytes = z
  .number()
  .nullable()
  .transform((bytes) => bytes ?? Number.NaN);

/** A `memory` answer as settled-memory.ts sends it. */
const memoryReport = z.object({
  rss: z.number(),
  rssAnon: pageBytes,
  rssFile: pageBytes,
  heapTotal: z.number(),
  heapUsed: z.number(),
  youngResident: z.number(),
});

const START_TIMEOUT_MS = 60_000;
const ANSWER_TIMEOUT_MS = 10_000;
const EXIT_TIMEOUT_MS = 5_000;
const PROFILED_EXIT_TIMEOUT_MS = 60_000;

/** The agent's settings as flags (`--root`, `--redis-url`, …), exactly as main.ts takes them. */
export type AgentFlags = Readonly<Record<string, string>>;

export class AgentHost {
  private exited = false;
  private waiting: ((report: AgentReport) => void) | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly exitTimeoutMs: number,
  ) {}

  /**
   * Forks an agent; `nodeFlags` go to its node first (e.g. `--cpu-prof --cpu-prof-dir=…`). With
   * `bare`, the same fork runs bare-process.ts instead, which starts nothing.
   */
  static async start(flags: AgentFlags, nodeFlags: readonly string[] = [], options: { bare?: boolean } = {}): Promise<AgentHost> {
    const args = Object.entries(flags).map(([name, value]) => `--${name}=${value}`);
    const entry = await builtEntry(options.bare === true ? 'bare-process.ts' : 'agent-process.ts');
    const child = fork(entry, args, {
      execArgv: [...nodeFlags],
      env: { ...process.env, NODE_PATH: NODE_MODULES },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`the agent did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      child.once('exit', (code) => reject(new Error(`the agent exited with ${code} before it started`)));
      child.once('message', (report: AgentReport) => {
        clearTimeout(timer);
        if (report.type === 'started') resolveUrl(report.url);
        else reject(new Error(`the agent did not start: ${report.type === 'error' ? report.message : report.type}`));
      });
    }).catch((error: unknown) => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
      throw error;
    });
    const profiled = nodeFlags.some((flag) => flag.startsWith('--cpu-prof'));
    const host = new AgentHost(child, url, profiled ? PROFILED_EXIT_TIMEOUT_MS : EXIT_TIMEOUT_MS);
    child.removeAllListeners('exit');
    child.on('message', (report: AgentReport) => host.waiting?.(report));
    child.once('exit', () => {
      host.exited = true;
      host.waiting?.({ type: 'error', message: 'the agent exited' });
    });
    return host;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** RSS (anon and file pages) and heap after forced garbage collections in the agent. */
  async memory(): Promise<ProcessMemory> {
    const report = await this.ask({ type: 'memory' });
    if (report.type !== 'memory') throw new Error(`unexpected agent report ${report.type}`);
    return memoryReport.parse(report);
  }

  /** Runs the agent's shutdown sequence; kills it by PID if it has not exited in time. */
  async stop(): Promise<void> {
    if (this.exited) return;
    await this.ask({ type: 'stop' }).catch(() => undefined);
    const deadline = Date.now() + this.exitTimeoutMs;
    while (!this.exited && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 20));
    if (!this.exited && this.child.pid !== undefined) process.kill(this.child.pid, 'SIGKILL');
  }

  private ask(command: AgentCommand): Promise<AgentReport> {
    if (this.exited) return Promise.reject(new Error('the agent exited'));
    return new Promise((resolveReport, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`no answer to ${command.type} from the agent within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      this.waiting = (report) => {
        clearTimeout(timer);
        this.waiting = undefined;
        if (report.type === 'error') reject(new Error(`agent: ${report.message}`));
        else resolveReport(report);
      };
      this.child.send(command);
    });
  }
}

/** Everything outside the workspace (ioredis, pino, zod, …) is required from node_modules at run time (NODE_PATH). */
const thirdPartyExternal: Plugin = {
  name: 'third-party-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@tailgate/') ? undefined : { path: args.path, external: true }));
  },
};

const NODE_MODULES = resolve(__dirname, '..', 'node_modules');
const built = new Map<string, string>();
let outDir: string | undefined;

/** bench/<source> built into one CommonJS file (once per run); its path. */
async function builtEntry(source: string): Promise<string> {
  const known = built.get(source);
  if (known !== undefined) return known;
  if (outDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'tailgate-bench-agent-build-'));
    // Forked agents have exited by then (each run stops them); the bundles are not kept.
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    outDir = dir;
  }
  const outfile = join(outDir, source.replace(/\.ts$/, '.js'));
  await build({
    entryPoints: [join(__dirname, source)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    conditions: ['@tailgate/source'],
    tsconfig: resolve(__dirname, '..', 'tsconfig.base.json'),
    plugins: [thirdPartyExternal],
    logLevel: 'warning',
  });
  built.set(source, outfile);
  return outfile;
}
