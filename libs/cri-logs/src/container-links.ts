// The `/var/log/containers` view kubelet keeps: one symlink per container instance,
// `<pod>_<namespace>_<container>-<containerID>.log` → `/var/log/pods/<ns>_<pod>_<uid>/<container>/<n>.log`.
// Resolving them gives each container's ID and directory, also when the host's pods directory is
// mounted somewhere else in this process's file system (links are absolute host paths).
import { readdir, readlink, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

import type { ContainerLogDir } from './container-log-dir';
import { isMissing } from './container-log-files';
import { type UnreadableHandler, unreadableCode } from './pod-directory-scanner';

/** Where kubelet keeps pod logs on the host: absolute link targets start here. */
export const HOST_PODS_ROOT = '/var/log/pods';

export interface ContainerLinkName {
  readonly pod: string;
  readonly namespace: string;
  readonly container: string;
  readonly containerId: string;
}

export interface ContainerLink extends ContainerLogDir {
  readonly containerId: string;
  /** The log file the link points at, in this process's file system. */
  readonly file: string;
}

const CONTAINER_ID = /^[0-9a-f]{12,128}$/;

/** `<pod>_<namespace>_<container>-<containerID>.log`; undefined for any other name. */
export function parseContainerLinkName(name: string): ContainerLinkName | undefined {
  if (!name.endsWith('.log')) return undefined;
  const base = name.slice(0, -'.log'.length);
  const [pod, namespace, rest, extra] = base.split('_');
  if (pod === undefined || namespace === undefined || rest === undefined || extra !== undefined) return undefined;
  const dash = rest.lastIndexOf('-');
  const container = rest.slice(0, dash);
  const containerId = rest.slice(dash + 1);
  if (pod === '' || namespace === '' || dash <= 0 || !CONTAINER_ID.test(containerId)) return undefined;
  return { pod, namespace, container, containerId };
}

/**
 * The containers linked from `linksDir` whose log file exists, with host paths under
 * HOST_PODS_ROOT mapped onto `podsRoot`. Dangling links (the pod is being cleaned up) are skipped.
 */
export async function resolveContainerLinks(
  linksDir: string,
  podsRoot: string,
  onUnreadable?: UnreadableHandler,
): Promise<ContainerLink[]> {
  let names: string[];
  try {
    names = await readdir(linksDir);
  } catch (error) {
    const code = unreadableCode(error);
    if (isMissing(error)) return [];
    if (code === undefined || !onUnreadable) throw error;
    onUnreadable({ path: linksDir, code });
    return [];
  }
  const links = await Promise.all(names.map((name) => resolveLink(linksDir, name, podsRoot, onUnreadable)));
  return links.flatMap((link) => link ?? []);
}

async function resolveLink(
  linksDir: string,
  name: string,
  podsRoot: string,
  onUnreadable: UnreadableHandler | undefined,
): Promise<ContainerLink | undefined> {
  const parsed = parseContainerLinkName(name);
  if (!parsed) return undefined;
  try {
    const file = onto(await readlink(join(linksDir, name)), linksDir, podsRoot);
    if (!(await stat(file)).isFile()) return undefined;
    const target = { namespace: parsed.namespace, pod: parsed.pod, container: parsed.container };
    return { target, path: dirname(file), containerId: parsed.containerId, file };
  } catch (error) {
    const code = unreadableCode(error);
    if (isMissing(error) || code === 'EINVAL') return undefined; // dangling, or not a link
    if (code === undefined || !onUnreadable) throw error;
    onUnreadable({ path: join(linksDir, name), code });
    return undefined;
  }
}

/** A link target in this process's file system. */
function onto(linkTarget: string, linksDir: string, podsRoot: string): string {
  if (!isAbsolute(linkTarget)) return resolve(linksDir, linkTarget);
  const inPods = relative(HOST_PODS_ROOT, linkTarget);
  return inPods.startsWith('..') || isAbsolute(inPods) ? linkTarget : join(podsRoot, inPods);
}
