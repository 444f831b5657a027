// Following a file under /var/log. A file query takes no options (no sinceTime, no tailLines), so
// each read returns the whole file: lines past the previous read's end are new. A file that got
// shorter, or whose line at the old end changed, was rotated or truncated: all of it is new, and
// its line numbers (the cursors) start again from 0.

export interface SnapshotLine {
  /** 0-based line number in the file. */
  readonly index: number;
  readonly text: string;
}

/** A file line's cursor: its line number, fixed-width so that cursors compare as strings. */
export function lineCursor(index: number): string {
  return String(index).padStart(12, '0');
}

export class FileSnapshotFollower {
  private count = 0;
  private lastLine: string | undefined;

  /** `baseline`: the file when following began; history, not delivered. */
  constructor(baseline: readonly string[]) {
    this.remember(baseline);
  }

  take(lines: readonly string[]): SnapshotLine[] {
    const continues = lines.length >= this.count && (this.count === 0 || lines[this.count - 1] === this.lastLine);
    const from = continues ? this.count : 0;
    this.remember(lines);
    return lines.slice(from).map((text, i) => ({ index: from + i, text }));
  }

  private remember(lines: readonly string[]): void {
    this.count = lines.length;
    this.lastLine = lines.at(-1);
  }
}
