// An app beside the gateway (the node agent, the worker) as a process of its own, on the
// TypeScript sources (tsx as a loader, so the PID is the app's), its output in a log file: suites
// spawn it, wait for its health endpoints, read its metrics and shutdown steps, and kill it.
import { type ChildProcess, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'vitest';

export type App = 'agent' | 'worker';

/** The repository root, where apps run from. */
export const REPOSITORY = join(__dirname, '../..');
/** Node.js options that run TypeScript sources (workspace packages resolve to theirs). */
export const SOURCE_LOADER = ['--import', 'tsx', '--conditions=@tailgate/source'];
/** An app's environment: nothing of the test's but PATH, and tsx's tsconfig. */
export const APP_ENV = { PATH: process.env.PATH, TSX_TSCONFIG_PATH: 'tsconfig.base.json' };

const entryOf = (app: App): string[] => [...SOURCE_LOADER, `apps/${app}/src/main.ts`];

export interface AppProcess {
  /** Base URL of /healthz, /readyz and /metrics. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code, or the signal that ended the process. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** Its output so far (the JSON log). */
  log(): string;
  /** The value of one series (`name{labels}` as /metrics writes it); undefined when absent. */
  metric(series: string): Promise<number | undefined>;
}

export interface SpawnAppOptions {
  /** Flags after the entry point. */
  readonly args?: readonly string[];
  /** Added to APP_ENV. */
  readonly env?: Readonly<Record<string, string>>;
  /** Where stdout and stderr go. */
  readonly logFile: string;
  /** The port its health server listens on, on 127.0.0.1 (set by `args` or its config). */
  readonly port: number;
  /** Runs it as this user and group. Default: the test's. */
  readonly uid?: number;
}

export function spawnApp(app: App, options: SpawnAppOptions): AppProcess {
  const out = openSync(options.logFile, 'w');
  const child = spawn(process.execPath, [...entryOf(app), ...(options.args ?? [])], {
    cwd: REPOSITORY,
    env: { ...APP_ENV, ...options.env },
    stdio: ['ignore', out, out],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  });
  closeSync(out);
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = `http://127.0.0.1:${options.port}`;
  return {
    url,
    child,
    exited,
    log: () => readFileSync(options.logFile, 'utf8'),
    async metric(series) {
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    },
  };
}

/** Waits until `path` answers 200; while it does not, the poll sees 0, or minus the exit code once the process ended. */
export async function untilAnswers(app: AppProcess, path: '/healthz' | '/readyz'): Promise<void> {
  const status = (): Promise<number> =>
    fetch(`${app.url}${path}`).then(
      (response) => response.status,
      () => (app.child.exitCode === null ? 0 : -app.child.exitCode),
    );
  await expect.poll(status, { timeout: 30_000, interval: 100 }).toBe(200);
}

/** Kills (SIGKILL) those of `apps` still running, waits for each to exit, and empties the list. */
export async function killAll(apps: AppProcess[]): Promise<void> {
  for (const app of apps.splice(0)) {
    if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    await app.exited;
  }
}

/** The shutdown steps the log says were done, in order. */
export function shutdownSteps(app: AppProcess): string[] {
  return app
    .log()
    .split('\n')
    .flatMap((line) => (line.includes('"shutdown step done"') ? [(JSON.parse(line) as { step: string }).step] : []));
}

/** Runs an app to its end (a start it refuses), its output captured. */
export function runApp(app: App, args: readonly string[], env: Readonly<Record<string, string>> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...entryOf(app), ...args], {
    cwd: REPOSITORY,
    env: { ...APP_ENV, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}
