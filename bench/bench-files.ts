// Per-pipeline scratch directories with CRI writers for the scenario's pods.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CriLogWriter } from '@tailgate/cri-logs/testing';

import type { BenchPod } from './pipeline-under-test';

export interface BenchFiles {
  readonly dir: string;
  readonly podsRoot: string;
  readonly writers: readonly CriLogWriter[];
  remove(): void;
}

export function createBenchFiles(label: string, pods: readonly BenchPod[], dir?: string): BenchFiles {
  const root = dir ?? mkdtempSync(join(tmpdir(), `tailgate-bench-${label.replace(/[^a-z0-9]+/gi, '-')}-`));
  const podsRoot = join(root, 'pods');
  const writers = pods.map((pod) => new CriLogWriter(podsRoot, { namespace: pod.namespace, pod: pod.name, container: pod.container }));
  return { dir: root, podsRoot, writers, remove: () => rmSync(root, { recursive: true, force: true }) };
}
