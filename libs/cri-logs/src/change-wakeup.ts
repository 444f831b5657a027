// Wakes a waiting stream as soon as a followed container directory changes (inotify through
// fs.watch), so a new line is read at once instead of at the next poll, and remembers which
// directories changed and how, so that a step after a wake-up reads only those and checks for a
// new file only where a name changed. Polling stays as the safety net: a watcher that cannot be
// set up, or an event the kernel drops, costs a few intervals (see poll-plan).
import { type FSWatcher, watch } from 'node:fs';

/**
 * What happened in a directory since it was last asked: nothing, only writes to its files
 * (`written`), a file created, renamed or removed (`renamed`), or nothing is known (`unwatched`:
 * not watched, or its watcher failed).
 */
export type DirectoryChange = 'none' | 'written' | 'renamed' | 'unwatched';

export class ChangeWakeup {
  private readonly watchers = new Map<string, FSWatcher>();
  /** Directories with events not yet taken; `renamed` wins over `written`. */
  private readonly changes = new Map<string, 'written' | 'renamed'>();
  private wake: (() => void) | undefined;
  private changed = false;

  /** Watches exactly these directories. */
  sync(paths: ReadonlySet<string>): void {
    for (const [path, watcher] of this.watchers) {
      if (paths.has(path)) continue;
      watcher.close();
      this.watchers.delete(path);
      this.changes.delete(path);
    }
    for (const path of paths) if (!this.watchers.has(path)) this.watch(path);
  }

  /** What changed in `path` since the last call for it. */
  take(path: string): DirectoryChange {
    if (!this.watchers.has(path)) return 'unwatched';
    const change = this.changes.get(path);
    if (change === undefined) return 'none';
    this.changes.delete(path);
    return change;
  }

  /** Resolves on the next change (or one already seen: true), after `ms` or on abort (false). */
  wait(ms: number, signal: AbortSignal): Promise<boolean> {
    if (this.changed || signal.aborted) {
      const changed = this.changed;
      this.changed = false;
      return Promise.resolve(changed);
    }
    return new Promise((resolve) => {
      const done = (changed: boolean): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        this.wake = undefined;
        this.changed = false;
        resolve(changed);
      };
      const aborted = (): void => done(false);
      const timer = setTimeout(aborted, ms);
      signal.addEventListener('abort', aborted, { once: true });
      this.wake = () => done(true);
    });
  }

  close(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    this.changes.clear();
    this.wake?.();
  }

  private watch(path: string): void {
    try {
      const watcher = watch(path, { persistent: false }, (event) => this.notify(path, event));
      watcher.on('error', () => {
        watcher.close();
        this.watchers.delete(path);
        this.changes.delete(path);
        this.wakeUp(); // polled as unwatched from now on
      });
      this.watchers.set(path, watcher);
    } catch {
      // Gone already, or out of inotify watches: polling covers it.
    }
  }

  private notify(path: string, event: string): void {
    // fs.watch reports inotify's IN_MODIFY and IN_ATTRIB as `change`, everything else as `rename`.
    if (event === 'rename') this.changes.set(path, 'renamed');
    else if (!this.changes.has(path)) this.changes.set(path, 'written');
    this.wakeUp();
  }

  private wakeUp(): void {
    this.changed = true;
    this.wake?.();
  }
}
