// One listing of a directory shared by everyone who asks within `maxAgeMs`: the streams of one
// root (a hundred pods followed one stream each) list `/var/log/pods` once between them, not once
// each. A failed listing is not kept: the next caller lists again.
import { readdir } from 'node:fs/promises';

export class SharedDirectoryListing {
  private last: { readonly at: number; readonly names: Promise<string[]> } | undefined;

  constructor(
    readonly path: string,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The names of the directories in `path`; rejects as `readdir` does. */
  directoryNames(): Promise<string[]> {
    const now = this.now();
    if (this.last !== undefined && now - this.last.at < this.maxAgeMs) return this.last.names;
    const names = readdir(this.path, { withFileTypes: true }).then((entries) =>
      entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name),
    );
    const last = { at: now, names };
    this.last = last;
    names.catch(() => {
      if (this.last === last) this.last = undefined;
    });
    return names;
  }
}
