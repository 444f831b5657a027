// helm and kustomize for the chart and kustomize suites: built from Go modules by
// test/cluster/build.sh (like etcd and kube-apiserver), located once by the cluster global setup
// and handed to test files with vitest's provide/inject.
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

import { inject } from 'vitest';

// Relative on purpose: global setup files do not get the @tailgate/source condition.
import { CLUSTER_DIR } from '../../cluster/src/binaries';
import { readAll } from '../../cluster/src/kube-client';

export interface K8sTools {
  readonly helm: string;
  readonly kustomize: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    tailgateK8sTools: K8sTools;
  }
}

/**
 * Runs `build.sh --k8s-tools`, which builds helm and kustomize on a cold cache (minutes) and
 * otherwise only checks their versions, and prints their directory as its last stdout line.
 * Throws, failing the whole cluster run, when either is missing: the suites that need them must
 * not pass by not running.
 */
export async function locateK8sTools(): Promise<K8sTools> {
  const child = spawn('bash', [join(CLUSTER_DIR, 'build.sh'), '--k8s-tools'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [stdout, code] = await Promise.all([
    readAll(child.stdout),
    new Promise<number | null>((done, fail) => {
      child.once('error', fail);
      child.once('close', done);
    }),
  ]);
  if (code !== 0) throw new Error(`test/cluster/build.sh --k8s-tools failed with exit code ${String(code)} (its output is above)`);
  const dir = stdout.trim().split('\n').pop() ?? '';
  const tools = { helm: join(dir, 'helm'), kustomize: join(dir, 'kustomize') };
  for (const file of Object.values(tools)) {
    try {
      accessSync(file, constants.X_OK);
    } catch {
      throw new Error(`${file} is missing or not executable after test/cluster/build.sh --k8s-tools`);
    }
  }
  return tools;
}

/** For test files: the tools global setup located. */
export function k8sTools(): K8sTools {
  return inject('tailgateK8sTools');
}

export interface ToolRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a tool to its end; a non-zero exit is a result, not an error (tests assert on failures too). */
export function runTool(file: string, args: readonly string[], cwd?: string): Promise<ToolRun> {
  // Only PATH and HOME: no KUBECONFIG or HELM_* of the machine may change what the tools do.
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) resolve({ code: 0, stdout, stderr });
      else if (typeof error.code === 'number') resolve({ code: error.code, stdout, stderr });
      else reject(new Error(`${file} could not run (${String(error.code ?? error.signal)})`));
    });
  });
}
