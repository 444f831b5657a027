// One live stream of the `pods` source: which container directories it follows (an AgentTail),
// started where their files ended when the stream was opened, and what each step yields.
import type { PluginLogger, SourceEvent, TargetRef } from '@tailgate/plugin-sdk';
import { targetKey } from '@tailgate/plugin-sdk';
import {
  AgentTail,
  type AgentTailEvent,
  type ContainerLogDir,
  PodDirectoryScanner,
  type PodSelector,
  type SharedDirectoryListing,
  type TailCounts,
  type UnreadableDirectory,
} from '@tailgate/cri-logs';

import type { NodeFileConfig } from './node-file-config';

export interface StreamStep {
  readonly events: SourceEvent[];
  /** Some file has more to read: step again without waiting. */
  readonly busy: boolean;
}

interface Reported {
  malformed: number;
  truncated: number;
}

export class NodeFileStream {
  private readonly scanner: PodDirectoryScanner;
  private readonly tail: AgentTail;
  /** Followed directories not announced yet: those present at open, before the first step. */
  private unannounced: ContainerLogDir[];
  /** Directories per target: a pod recreated under the same name has two until kubelet cleans up. */
  private readonly targetDirs = new Map<string, number>();
  private readonly reported = new Map<string, Reported>();
  private readonly unreadable = new Set<string>();
  private lastScan = Number.NEGATIVE_INFINITY;

  /** Files present now start at their current end, taken synchronously so no write races it. */
  constructor(
    selector: PodSelector,
    private readonly config: NodeFileConfig,
    private readonly logger: PluginLogger,
    rootListing?: SharedDirectoryListing,
  ) {
    this.scanner = new PodDirectoryScanner(config.root, selector, (dir) => this.reportUnreadable(dir), rootListing);
    this.tail = new AgentTail(config);
    this.unannounced = this.scanner.scanSync();
    for (const dir of this.unannounced) this.tail.start(dir, 'end');
  }

  async step(): Promise<StreamStep> {
    const events: SourceEvent[] = [];
    if (Date.now() - this.lastScan >= this.config.scanIntervalMs) await this.rescan(events);
    const { events: tailEvents, busy } = await this.tail.step();
    const removed: TargetRef[] = [];
    for (const event of tailEvents) this.translate(event, events, removed);
    // kubelet removes a pod's directory when the pod is deleted: after its last records.
    for (const target of removed) events.push({ type: 'target', op: 'removed', target, reason: 'deleted' });
    return { events, busy };
  }

  /** Resolves on a change in a followed directory, after the poll interval, or on abort. */
  wait(signal: AbortSignal): Promise<void> {
    return this.tail.wait(signal);
  }

  async close(): Promise<void> {
    await this.tail.close();
  }

  private translate(event: AgentTailEvent, events: SourceEvent[], removed: TargetRef[]): void {
    const { target } = event.dir;
    if (event.type === 'records') events.push({ type: 'records', records: event.records });
    else if (event.type === 'gone') removed.push(...this.forget(event.dir));
    else if (event.type === 'unreadable') this.logger.warn({ target, code: event.code }, 'container log unreadable; retrying');
  }

  private async rescan(events: SourceEvent[]): Promise<void> {
    this.lastScan = Date.now();
    for (const dir of this.unannounced) this.announce(dir, events);
    this.unannounced = [];
    const followed = this.tail.paths();
    for (const dir of await this.scanner.scan()) {
      // Any file that appears after open is new: read it from its beginning.
      if (!followed.has(dir.path) && this.tail.start(dir, 'beginning')) this.announce(dir, events);
    }
    this.reportCounts();
  }

  private announce(dir: ContainerLogDir, events: SourceEvent[]): void {
    const key = targetKey(dir.target);
    const count = this.targetDirs.get(key) ?? 0;
    this.targetDirs.set(key, count + 1);
    if (count === 0) events.push({ type: 'target', op: 'added', target: dir.target });
  }

  /** The targets that lost their last directory. */
  private forget(dir: ContainerLogDir): TargetRef[] {
    this.reported.delete(dir.path);
    const key = targetKey(dir.target);
    const count = (this.targetDirs.get(key) ?? 1) - 1;
    if (count > 0) {
      this.targetDirs.set(key, count);
      return [];
    }
    this.targetDirs.delete(key);
    return [dir.target];
  }

  private reportUnreadable({ path, code }: UnreadableDirectory): void {
    const key = `${code} ${path}`;
    if (this.unreadable.has(key)) return;
    this.unreadable.add(key);
    this.logger.warn({ path, code }, 'log directory unreadable; skipped until it can be read');
  }

  /** Problems are logged as counts per target, never with the lines themselves. */
  private reportCounts(): void {
    for (const { path, target } of this.tail.dirs()) {
      const counts: TailCounts | undefined = this.tail.countsOf(path);
      if (!counts) continue;
      const { malformed, truncated } = counts;
      const before = this.reported.get(path) ?? { malformed: 0, truncated: 0 };
      if (malformed === before.malformed && truncated === before.truncated) continue;
      this.reported.set(path, { malformed, truncated });
      const fields = { target, malformedLines: malformed - before.malformed, truncatedLines: truncated - before.truncated };
      this.logger.warn({ ...fields, maxLineBytes: this.config.maxLineBytes }, 'skipped malformed or truncated over-long CRI log lines');
    }
  }
}
