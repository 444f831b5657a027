// Finds the container directories under a `/var/log/pods`-style root that a selector matches:
// `<root>/<namespace>_<pod>_<uid>/<container>/`.
import { type Dirent, readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { ContainerLogDir } from './container-file-tailer';
import { isMissing } from './container-log-files';
import { type PodSelector, selects } from './pod-selector';

interface PodDir {
  readonly namespace: string;
  readonly pod: string;
  readonly path: string;
}

/** `<namespace>_<pod>_<uid>`; Kubernetes names never contain `_`. */
export function parsePodDirName(name: string): { namespace: string; pod: string; uid: string } | undefined {
  const first = name.indexOf('_');
  const last = name.lastIndexOf('_');
  if (first <= 0 || last <= first + 1 || last === name.length - 1) return undefined;
  return { namespace: name.slice(0, first), pod: name.slice(first + 1, last), uid: name.slice(last + 1) };
}

export class PodDirectoryScanner {
  constructor(
    private readonly root: string,
    private readonly selector: PodSelector,
  ) {}

  async scan(): Promise<ContainerLogDir[]> {
    const pods = this.matchPods(await listDirectories(this.root));
    const containers = await Promise.all(pods.map((pod) => listDirectories(pod.path)));
    return pods.flatMap((pod, i) => this.matchContainers(pod, containers[i] ?? []));
  }

  /** For the snapshot taken when a stream opens; see NodeFileStream. */
  scanSync(): ContainerLogDir[] {
    const pods = this.matchPods(listDirectoriesSync(this.root));
    return pods.flatMap((pod) => this.matchContainers(pod, listDirectoriesSync(pod.path)));
  }

  private matchPods(names: readonly string[]): PodDir[] {
    return names.flatMap((name) => {
      const parsed = parsePodDirName(name);
      if (!parsed || !selects(this.selector, parsed)) return [];
      return [{ namespace: parsed.namespace, pod: parsed.pod, path: join(this.root, name) }];
    });
  }

  private matchContainers(pod: PodDir, names: readonly string[]): ContainerLogDir[] {
    return names.flatMap((container) =>
      selects(this.selector, { container })
        ? [{ target: { namespace: pod.namespace, pod: pod.pod, container }, path: join(pod.path, container) }]
        : [],
    );
  }
}

async function listDirectories(path: string): Promise<string[]> {
  try {
    return directoryNames(await readdir(path, { withFileTypes: true }));
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

function listDirectoriesSync(path: string): string[] {
  try {
    return directoryNames(readdirSync(path, { withFileTypes: true }));
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

function directoryNames(entries: readonly Dirent[]): string[] {
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}
