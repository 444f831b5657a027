// Wakes a waiting stream as soon as a followed container directory changes (inotify through
// fs.watch), so a new line is read at once instead of at the next poll. Polling stays as the
// safety net: a watcher that cannot be set up, or an event the kernel drops, costs one interval.
import { type FSWatcher, watch } from 'node:fs';

export class ChangeWakeup {
  private readonly watchers = new Map<string, FSWatcher>();
  private wake: (() => void) | undefined;
  private changed = false;

  /** Watches exactly these directories. */
  sync(paths: ReadonlySet<string>): void {
    for (const [path, watcher] of this.watchers) {
      if (paths.has(path)) continue;
      watcher.close();
      this.watchers.delete(path);
    }
    for (const path of paths) if (!this.watchers.has(path)) this.watch(path);
  }

  /** Resolves on the next change (or one already seen), after `ms`, or on abort. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.changed || signal.aborted) {
      this.changed = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        this.changed = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  close(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    this.wake?.();
  }

  private watch(path: string): void {
    try {
      const watcher = watch(path, { persistent: false }, () => this.notify());
      watcher.on('error', () => {
        watcher.close();
        this.watchers.delete(path);
      });
      this.watchers.set(path, watcher);
    } catch {
      // Gone already, or out of inotify watches: polling covers it.
    }
  }

  private notify(): void {
    this.changed = true;
    this.wake?.();
  }
}
