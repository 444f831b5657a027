// The gateway as an image runs it: `node apps/gateway/dist/main.js` on the build (`npx tsc -b
// tsconfig.json`; scripts/setup.sh builds before the suites), with no TypeScript loader and no
// `@tailgate/source` condition, so packages resolve as installed ones do. For suites about what the
// build itself loads (third-party plugins); the others use spawnGateway on the sources.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { freePort } from '@tailgate/testing';

const root = join(__dirname, '../../..');
const MAIN = join(root, 'apps/gateway/dist/main.js');

export interface BuiltGateway {
  readonly url: string;
  readonly pid: number;
  /** Runs the orderly stop (SIGTERM) and resolves when the process has exited. */
  stop(): Promise<void>;
}

export type BuiltGatewayStart =
  { readonly ok: true; readonly gateway: BuiltGateway } | { readonly ok: false; readonly exitCode: number | null; readonly output: string };

/** Fails fast with what to do when the build is missing, instead of a confusing boot failure. */
export function requireBuild(...files: readonly string[]): void {
  for (const file of [MAIN, ...files.map((f) => join(root, f))]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: build first (npx tsc -b tsconfig.json)`);
  }
}

/**
 * Starts the built gateway on `config` (a raw tailgate config; its port replaced by a free one) and
 * resolves once it is ready, or once it exited without getting there (with what it printed).
 */
export async function startBuiltGateway(
  config: Record<string, unknown>,
  dir: string,
  name: string,
  env: Readonly<Record<string, string>> = {},
): Promise<BuiltGatewayStart> {
  const port = await freePort();
  const file = join(dir, `${name}.json`);
  const server = { ...(config.server as object | undefined), host: '127.0.0.1', port };
  writeFileSync(file, JSON.stringify({ ...config, server }));
  const child = spawn(process.execPath, [MAIN], {
    cwd: root,
    env: { PATH: process.env.PATH, TAILGATE_CONFIG: file, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  // `close`, not `exit`: by then everything it printed has been read.
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let running = true;
  void closed.then(() => (running = false));
  process.once('exit', () => running && child.kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  const ready = await waitUntilReady(url, () => running).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  if (!ready) return { ok: false, exitCode: await closed, output };
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await closed;
  };
  return { ok: true, gateway: { url, pid: child.pid as number, stop } };
}

/** True once /readyz answers 200; false when the process ended first. */
async function waitUntilReady(url: string, running: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && running()) {
    const status = await fetch(`${url}/readyz`).then(
      (response) => response.status,
      () => undefined,
    );
    if (status === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (running()) throw new Error(`the gateway at ${url} did not get ready`);
  return false;
}
