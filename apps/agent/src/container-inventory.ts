// The containers whose logs are on this node: the pod directories under the root, plus the
// `/var/log/containers` links (which also give container IDs, and find directories kept outside the
// root). Listed again on an interval. A directory that cannot be read is reported once per path and
// code (log with code `directory_unreadable`, metric), skipped, and never thrown; an unreadable or
// missing root makes the agent not ready.
import { stat } from 'node:fs/promises';

import { type ContainerLogDir, PodDirectoryScanner, resolveContainerLinks, type UnreadableDirectory } from '@tailgate/cri-logs';
import { errorCode } from '@tailgate/process';
import type { Logger } from 'pino';

import type { AgentProblemCode } from './agent-error';
import type { AgentMetrics } from './agent-metrics';

export interface InventoryContainer extends ContainerLogDir {
  /** Runtime IDs of its instances, from the links (empty without links). */
  readonly containerIds: readonly string[];
}

export class ContainerInventory {
  private readonly scanner: PodDirectoryScanner;
  private found = new Map<string, InventoryContainer>();
  private readonly reported = new Set<string>();
  private rootProblem: AgentProblemCode | undefined = 'root_missing';
  /** The root itself could not be listed during the listing running now. */
  private rootUnreadable = false;
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;

  constructor(
    private readonly root: string,
    private readonly linksDir: string,
    private readonly metrics: AgentMetrics,
    private readonly logger: Logger,
  ) {
    this.scanner = new PodDirectoryScanner(root, {}, (dir) => this.unreadable(dir));
  }

  /** Why the root cannot serve now; undefined when it can. */
  get problem(): AgentProblemCode | undefined {
    return this.rootProblem;
  }

  containers(): readonly InventoryContainer[] {
    return [...this.found.values()];
  }

  paths(): ReadonlySet<string> {
    return new Set(this.found.keys());
  }

  /** Lists now, then every `intervalMs` until stopped. */
  async start(intervalMs: number): Promise<void> {
    await this.scan();
    this.timer = setInterval(() => void this.scan(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.scanning;
  }

  /** One listing; a listing already running is awaited instead. */
  scan(): Promise<void> {
    this.scanning ??= this.list().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async list(): Promise<void> {
    try {
      this.rootUnreadable = false;
      const rootProblem = await this.checkRoot();
      const dirs = await this.scanner.scan();
      const links = this.linksDir === '' ? [] : await resolveContainerLinks(this.linksDir, this.root, (dir) => this.unreadable(dir));
      const found = new Map<string, InventoryContainer>(dirs.map((dir) => [dir.path, { ...dir, containerIds: [] }]));
      for (const link of links) {
        const known = found.get(link.path);
        found.set(link.path, {
          target: known?.target ?? link.target,
          path: link.path,
          containerIds: [...(known?.containerIds ?? []), link.containerId],
        });
      }
      this.found = found;
      this.rootProblem = rootProblem ?? (this.rootUnreadable ? 'root_unreadable' : undefined);
      this.metrics.containers.set(found.size);
    } catch (error) {
      this.logger.error({ code: errorCode(error) }, 'listing container log directories failed; retrying at the next scan');
    }
  }

  private async checkRoot(): Promise<AgentProblemCode | undefined> {
    try {
      if (!(await stat(this.root)).isDirectory()) return 'root_missing';
    } catch (error) {
      return errorCode(error) === 'ENOENT' ? 'root_missing' : 'root_unreadable';
    }
    return undefined;
  }

  private unreadable({ path, code }: UnreadableDirectory): void {
    if (path === this.root) this.rootUnreadable = true;
    const key = `${code} ${path}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.metrics.readErrors.inc({ kind: 'directory', code });
    this.logger.warn({ code: 'directory_unreadable', errno: code, path }, 'log directory unreadable; skipped until it can be read');
  }
}
