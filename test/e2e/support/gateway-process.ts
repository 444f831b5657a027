// A gateway in a process of its own, on the TypeScript sources (tsx as a loader, so the PID is the
// gateway's): suites that kill replicas (SIGKILL leaves everything behind, as a crash would) or
// stop them (SIGTERM: the orderly shutdown) drive several of them on one Redis.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { TailgateConfig } from '@tailgate/config';
import { freePort } from '@tailgate/testing';

const root = join(__dirname, '../../..');

export interface GatewayProcess {
  readonly url: string;
  readonly pid: number;
  /** Resolves with the exit code, or the signal that ended the process. */
  readonly exited: Promise<number | NodeJS.Signals>;
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
  /** The sum of a counter or gauge over its series with these labels, from /metrics. */
  metric(name: string, labels?: string): Promise<number>;
  /** The process's JSON log. */
  log(): string;
}

/**
 * Starts a gateway on `config` (its port replaced by a free one) and waits until it is ready.
 * @param nodeArgs extra Node.js options, before the TypeScript loader (e.g. `--expose-gc`)
 */
export async function spawnGateway(
  config: TailgateConfig,
  dir: string,
  name: string,
  nodeArgs: readonly string[] = [],
): Promise<GatewayProcess> {
  const port = await freePort();
  const file = join(dir, `${name}.json`);
  const logFile = join(dir, `${name}.log`);
  writeFileSync(file, JSON.stringify({ ...config, server: { ...config.server, host: '127.0.0.1', port } }));
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', '--conditions=@tailgate/source', 'apps/gateway/src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, TAILGATE_CONFIG: file, TSX_TSCONFIG_PATH: 'tsconfig.base.json' },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const kill = (signal: 'SIGTERM' | 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.once('exit', () => kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  const log = () => readFileSync(logFile, 'utf8');
  try {
    await waitUntilReady(url, child, log);
  } catch (error) {
    kill('SIGKILL');
    throw error;
  }
  return {
    url,
    pid: child.pid as number,
    exited,
    kill,
    log,
    async metric(metricName, labels = '') {
      const text = await (await fetch(`${url}/metrics`)).text();
      const series = labels ? `${metricName}{${labels}}` : metricName;
      const values = text.split('\n').filter((line) => line.startsWith(`${series} `) || (!labels && line.startsWith(`${metricName}{`)));
      return values.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    },
  };
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the gateway process exited ${child.exitCode}: ${log()}`);
    const status = await fetch(`${url}/readyz`).then(
      (response) => response.status,
      () => undefined,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the gateway process did not get ready: ${log()}`);
}
