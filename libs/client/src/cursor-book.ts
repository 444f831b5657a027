// The last cursor delivered per container: what a resubscribe resumes from, and the client's own
// guard against a record delivered twice. Cursors are opaque, so the guard only compares a
// record's cursor with the last one delivered for its container — nothing fancier.
import type { WireRecord } from '@tailgate/contracts';

import { targetKey } from './target-key';

export class CursorBook {
  private readonly last = new Map<string, string>();

  /** The records of `batch` to deliver, noting each one's cursor; drops a repeat of a container's last record. */
  admit(batch: readonly WireRecord[]): WireRecord[] {
    const admitted: WireRecord[] = [];
    for (const record of batch) {
      const key = targetKey(record);
      if (this.last.get(key) === record.cursor) continue;
      this.last.set(key, record.cursor);
      admitted.push(record);
    }
    return admitted;
  }

  get empty(): boolean {
    return this.last.size === 0;
  }

  cursors(): Record<string, string> {
    return Object.fromEntries(this.last);
  }
}
