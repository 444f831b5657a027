// One live stream of the `pods` source: which container directories it follows, started where
// their files ended when the stream was opened, and what each step yields.
import { statSync } from 'node:fs';

import { type LogRecord, type PluginLogger, type SourceEvent, type TargetRef, targetKey } from '@tailgate/plugin-sdk';

import { type ContainerLogDir, ContainerFileTailer, type LogFileSnapshot, type TailerPoll } from './container-file-tailer';
import { currentLogFile, isMissing, listLogFilesSync } from './container-log-files';
import type { NodeFileConfig } from './node-file-config';
import { PodDirectoryScanner } from './pod-directory-scanner';
import type { PodSelector } from './pod-selector';

export interface StreamStep {
  readonly events: SourceEvent[];
  /** Some file has more to read: step again without waiting. */
  readonly busy: boolean;
}

interface Followed {
  readonly tailer: ContainerFileTailer;
  reported: { malformed: number; truncated: number };
  /** Code of the last read error, so a persisting one is logged once. */
  failing?: string;
}

const nothingRead = (): TailerPoll => ({ records: [], idle: true, gone: false });

export class NodeFileStream {
  private readonly scanner: PodDirectoryScanner;
  /** Container directory → where its file ended at open; taken synchronously so no write races it. */
  private readonly snapshot: Map<string, LogFileSnapshot | undefined>;
  private readonly followed = new Map<string, Followed>();
  /** Directories per target: a pod recreated under the same name has two until kubelet cleans up. */
  private readonly targetDirs = new Map<string, number>();
  private lastScan = Number.NEGATIVE_INFINITY;

  constructor(
    selector: PodSelector,
    private readonly config: NodeFileConfig,
    private readonly logger: PluginLogger,
  ) {
    this.scanner = new PodDirectoryScanner(config.root, selector);
    this.snapshot = new Map(this.scanner.scanSync().map((dir) => [dir.path, snapshotOf(dir.path)]));
  }

  async step(): Promise<StreamStep> {
    const events: SourceEvent[] = [];
    if (Date.now() - this.lastScan >= this.config.scanIntervalMs) await this.rescan(events);
    const records: LogRecord[] = [];
    const removed: TargetRef[] = [];
    let busy = false;
    for (const [path, followed] of this.followed) {
      const poll = await this.poll(followed);
      records.push(...poll.records);
      busy ||= !poll.idle;
      if (poll.gone) removed.push(...(await this.unfollow(path)));
    }
    for (let i = 0; i < records.length; i += this.config.maxBatchRecords) {
      events.push({ type: 'records', records: records.slice(i, i + this.config.maxBatchRecords) });
    }
    // kubelet removes a pod's directory when the pod is deleted.
    for (const target of removed) events.push({ type: 'target', op: 'removed', target, reason: 'deleted' });
    return { events, busy };
  }

  /** The container directories being followed now. */
  followedDirectories(): ReadonlySet<string> {
    return new Set(this.followed.keys());
  }

  async close(): Promise<void> {
    const tailers = [...this.followed.values()].map((f) => f.tailer);
    this.followed.clear();
    await Promise.allSettled(tailers.map((tailer) => tailer.close()));
  }

  private async poll(followed: Followed): Promise<TailerPoll> {
    try {
      const poll = await followed.tailer.poll(this.config.maxBatchRecords);
      followed.failing = undefined;
      return poll;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      if (followed.failing !== code) this.logger.warn({ target: followed.tailer.dir.target, code }, 'container log unreadable; retrying');
      followed.failing = code;
      return nothingRead();
    }
  }

  private async rescan(events: SourceEvent[]): Promise<void> {
    this.lastScan = Date.now();
    for (const dir of await this.scanner.scan()) {
      if (this.followed.has(dir.path)) continue;
      // Files present at open start at their end; any other file starts at its beginning.
      this.follow(dir, this.snapshot.get(dir.path), events);
    }
    this.snapshot.clear();
    this.reportCounts();
  }

  private follow(dir: ContainerLogDir, startAt: LogFileSnapshot | undefined, events: SourceEvent[]): void {
    this.followed.set(dir.path, { tailer: new ContainerFileTailer(dir, this.config, startAt), reported: { malformed: 0, truncated: 0 } });
    const key = targetKey(dir.target);
    const count = this.targetDirs.get(key) ?? 0;
    this.targetDirs.set(key, count + 1);
    if (count === 0) events.push({ type: 'target', op: 'added', target: dir.target });
  }

  private async unfollow(path: string): Promise<TargetRef[]> {
    const followed = this.followed.get(path);
    if (!followed) return [];
    this.followed.delete(path);
    await followed.tailer.close();
    const key = targetKey(followed.tailer.dir.target);
    const count = (this.targetDirs.get(key) ?? 1) - 1;
    if (count > 0) {
      this.targetDirs.set(key, count);
      return [];
    }
    this.targetDirs.delete(key);
    return [followed.tailer.dir.target];
  }

  /** Problems are logged as counts per target, never with the lines themselves. */
  private reportCounts(): void {
    for (const followed of this.followed.values()) {
      const { malformed, truncated } = followed.tailer.counts;
      const newMalformed = malformed - followed.reported.malformed;
      const newTruncated = truncated - followed.reported.truncated;
      if (newMalformed === 0 && newTruncated === 0) continue;
      followed.reported = { malformed, truncated };
      const fields = { target: followed.tailer.dir.target, malformedLines: newMalformed, truncatedLines: newTruncated };
      this.logger.warn({ ...fields, maxLineBytes: this.config.maxLineBytes }, 'skipped malformed or truncated over-long CRI log lines');
    }
  }
}

function snapshotOf(dirPath: string): LogFileSnapshot | undefined {
  const file = currentLogFile(listLogFilesSync(dirPath) ?? []);
  if (!file) return undefined;
  try {
    const { ino, size } = statSync(file.path);
    return { path: file.path, ino, size };
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}
