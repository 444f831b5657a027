// Finds the container directories under a `/var/log/pods`-style root that a selector matches:
// `<root>/<namespace>_<pod>_<uid>/<container>/`. A directory that cannot be listed (EACCES: some
// distributions make /var/log/pods mode 750) is reported to `onUnreadable` and skipped; without
// that handler, the error is thrown.
import { type Dirent, readdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { ContainerLogDir } from './container-log-dir';
import { isMissing } from './container-log-files';
import { type PodSelector, selects } from './pod-selector';
import type { SharedDirectoryListing } from './shared-directory-listing';

export interface UnreadableDirectory {
  readonly path: string;
  /** The errno code: EACCES, EPERM, EIO, … */
  readonly code: string;
}

export type UnreadableHandler = (directory: UnreadableDirectory) => void;

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

/** The errno code of a file-system error other than "not there"; undefined for anything else. */
export function unreadableCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && !isMissing(error) ? code : undefined;
}

export class PodDirectoryScanner {
  constructor(
    private readonly root: string,
    private readonly selector: PodSelector,
    private readonly onUnreadable?: UnreadableHandler,
    /** The root's listing shared with other scanners of the same root; without it, each scan lists the root. */
    private readonly rootListing?: SharedDirectoryListing,
  ) {}

  async scan(): Promise<ContainerLogDir[]> {
    const pods = this.matchPods(await this.listRoot());
    const containers = await Promise.all(pods.map((pod) => this.listDirectories(pod.path)));
    return pods.flatMap((pod, i) => this.matchContainers(pod, containers[i] ?? []));
  }

  /** For the snapshot taken when a stream opens; see NodeFileStream. */
  scanSync(): ContainerLogDir[] {
    const pods = this.matchPods(this.listDirectoriesSync(this.root));
    return pods.flatMap((pod) => this.matchContainers(pod, this.listDirectoriesSync(pod.path)));
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

  private async listRoot(): Promise<string[]> {
    if (!this.rootListing) return this.listDirectories(this.root);
    try {
      return await this.rootListing.directoryNames();
    } catch (error) {
      return this.nothingListed(this.root, error);
    }
  }

  private async listDirectories(path: string): Promise<string[]> {
    try {
      return directoryNames(await readdir(path, { withFileTypes: true }));
    } catch (error) {
      return this.nothingListed(path, error);
    }
  }

  private listDirectoriesSync(path: string): string[] {
    try {
      return directoryNames(readdirSync(path, { withFileTypes: true }));
    } catch (error) {
      return this.nothingListed(path, error);
    }
  }

  private nothingListed(path: string, error: unknown): string[] {
    if (isMissing(error)) return [];
    const code = unreadableCode(error);
    if (code === undefined || !this.onUnreadable) throw error;
    this.onUnreadable({ path, code });
    return [];
  }
}

function directoryNames(entries: readonly Dirent[]): string[] {
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}
