// Starts long-lived binaries (etcd, kube-apiserver) so they can never outlive the test process.
//
// Each binary runs under a tiny Node watchdog whose stdin is a pipe from us. We never write to
// it; when our process exits for any reason (even SIGKILL) the pipe closes, and the watchdog
// terminates the binary and exits. As a second line of defence every run records its PIDs in a
// state directory, and the next start sweeps runs whose owner process is gone.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

// Runs as `node -e WATCHDOG logFile command ...args`. Prints the child's PID as its first line.
const WATCHDOG = `
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const [logFile, command, ...args] = process.argv.slice(1);
const out = fs.openSync(logFile, 'a');
const parent = process.ppid;
const child = spawn(command, args, { stdio: ['ignore', out, out] });
let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 5000);
}
child.on('error', (e) => { fs.writeSync(out, 'watchdog: ' + e.message + '\\n'); process.exit(127); });
child.on('exit', (code) => process.exit(code === null ? 128 : code));
// The parent may already be gone: a broken stdout must not kill the watchdog before the child.
process.stdout.on('error', stop);
process.on('uncaughtException', () => { child.kill('SIGKILL'); process.exit(1); });
if (child.pid !== undefined) process.stdout.write(child.pid + '\\n');
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, stop);
// Belt and braces: if we were re-parented, our parent died even if the pipe is somehow still open.
setInterval(() => { if (process.ppid !== parent) stop(); }, 1000).unref();
`;

export interface ProcessRecord {
  readonly name: string;
  readonly pid: number;
  readonly watchdogPid: number;
  readonly executable: string;
}

interface RunState {
  readonly ownerPid: number;
  readonly processes: ProcessRecord[];
}

export class SupervisedProcess {
  private readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(
    readonly record: ProcessRecord,
    readonly logFile: string,
    private readonly watchdog: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      watchdog.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      });
    });
  }

  static async start(
    name: string,
    executable: string,
    args: readonly string[],
    logFile: string,
    env: NodeJS.ProcessEnv = process.env,
  ): Promise<SupervisedProcess> {
    const watchdog = spawn(process.execPath, ['-e', WATCHDOG, logFile, executable, ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env,
    });
    const stdout = watchdog.stdout;
    const firstLine = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: stdout });
      lines.once('line', (line) => {
        lines.close();
        resolve(line);
      });
      watchdog.once('exit', (code) => reject(new Error(`${name} exited at once (code ${String(code)}); see ${logFile}`)));
    });
    const pid = Number(firstLine);
    if (!Number.isInteger(pid) || watchdog.pid === undefined) throw new Error(`${name}: watchdog did not report a PID`);
    // Neither the watchdog nor its pipes keep a script alive; the pipe closing on exit is the point.
    watchdog.unref();
    (watchdog.stdin as Writable & { unref?: () => void }).unref?.();
    (stdout as Readable & { unref?: () => void }).unref?.();
    return new SupervisedProcess({ name, pid, watchdogPid: watchdog.pid, executable }, logFile, watchdog);
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Resolves with the exit code when the process ends on its own or after stop(). */
  whenExited(): Promise<number | null> {
    return this.exited;
  }

  /** SIGTERM through the watchdog (which escalates to SIGKILL after 5 s); then makes sure the PID is gone. */
  async stop(): Promise<void> {
    if (this.running) {
      signal(this.record.watchdogPid, 'SIGTERM');
      await this.exited;
    }
    // The watchdog only exits once the binary has; this covers a watchdog that was itself killed.
    if (runsExecutable(this.record.pid, this.record.executable)) signal(this.record.pid, 'SIGKILL');
  }

  /** The last lines of the process's log, for error messages. */
  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// A PID may have been reused since it was recorded: only kill it if it still runs our binary.
function runsExecutable(pid: number, executable: string): boolean {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return argv0 === executable;
  } catch {
    return false;
  }
}

/** The PID file of one cluster run; `sweep()` cleans up after runs whose owner died. */
export class RunRegistry {
  private readonly state: RunState = { ownerPid: process.pid, processes: [] };

  constructor(readonly runDir: string) {}

  async add(record: ProcessRecord): Promise<void> {
    this.state.processes.push(record);
    await writeFile(join(this.runDir, 'processes.json'), JSON.stringify(this.state, null, 2));
  }

  static async sweep(stateRoot: string): Promise<string[]> {
    await mkdir(stateRoot, { recursive: true });
    const killed: string[] = [];
    for (const entry of await readdir(stateRoot)) {
      if (!entry.startsWith('run-')) continue;
      const dir = join(stateRoot, entry);
      let state: RunState | undefined;
      try {
        state = JSON.parse(await readFile(join(dir, 'processes.json'), 'utf8')) as RunState;
      } catch {
        state = undefined;
      }
      const ownerPid = state?.ownerPid ?? Number(entry.split('-')[1]);
      if (Number.isInteger(ownerPid) && isAlive(ownerPid)) continue;
      for (const record of state?.processes ?? []) {
        if (runsExecutable(record.pid, record.executable)) {
          signal(record.pid, 'SIGKILL');
          killed.push(`${record.name} (pid ${record.pid})`);
        }
      }
      await rm(dir, { recursive: true, force: true });
    }
    return killed;
  }
}
