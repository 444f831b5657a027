// Finds (or builds, on a cold cache) the etcd and kube-apiserver binaries via build.sh.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { readAll } from './kube-client';

export interface ClusterBinaries {
  readonly dir: string;
  readonly etcd: string;
  readonly kubeApiserver: string;
}

/** test/cluster/, found from this file whether it runs from source or from a build. */
export const CLUSTER_DIR = resolve(__dirname, '..');

export function binariesIn(dir: string): ClusterBinaries {
  const found = { dir, etcd: join(dir, 'etcd'), kubeApiserver: join(dir, 'kube-apiserver') };
  for (const file of [found.etcd, found.kubeApiserver]) accessSync(file, constants.X_OK);
  return found;
}

/**
 * Runs build.sh, which prints the binary directory as its last stdout line. Its progress goes to
 * our stderr, so a cold build (15-30 min) shows life; a warm run takes about a second.
 */
export async function ensureBinaries(): Promise<ClusterBinaries> {
  const child = spawn('bash', [join(CLUSTER_DIR, 'build.sh')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [stdout, code] = await Promise.all([
    readAll(child.stdout),
    new Promise<number | null>((done, fail) => {
      child.once('error', fail);
      child.once('close', done);
    }),
  ]);
  if (code !== 0) throw new Error(`test/cluster/build.sh failed with exit code ${String(code)} (its output is above)`);
  const dir = stdout.trim().split('\n').pop() ?? '';
  return binariesIn(dir);
}
