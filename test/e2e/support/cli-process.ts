// Runs the tailgate CLI as a real process on its TypeScript sources (tsx as the loader), from the
// repository root, with a HOME of its own so no user config file is read. For the CLI end-to-end
// suites: output, stderr and the exit code, exactly as a shell would see them.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../../..');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRun {
  readonly child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  stdout(): string;
  /** Resolves once the stderr written so far satisfies `until`. */
  waitForStderr(until: (stderr: string) => boolean, timeoutMs?: number): Promise<void>;
  readonly result: Promise<CliResult>;
}

export function startCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; home: string; stdin?: string }): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@tailgate/source', 'apps/cli/src/main.ts', ...args], {
    cwd: root,
    env: { PATH: process.env['PATH'], HOME: options.home, TSX_TSCONFIG_PATH: 'tsconfig.base.json', TZ: 'UTC', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const waiter of waiters) waiter();
  });
  // The CLI may stop reading stdin early (that is what one test checks): EPIPE here is expected.
  child.stdin.on('error', () => undefined);
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  else child.stdin.end();
  process.once('exit', () => child.kill('SIGKILL'));
  const result = new Promise<CliResult>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    stderr: () => stderr,
    stdout: () => stdout,
    waitForStderr: (until, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`stderr never matched; it was:\n${stderr}`)), timeoutMs);
        const check = () => {
          if (!until(stderr)) return;
          clearTimeout(timer);
          resolve();
        };
        waiters.push(check);
        check();
      }),
    result,
  };
}

export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; home: string; stdin?: string }): Promise<CliResult> {
  return startCli(args, options).result;
}
