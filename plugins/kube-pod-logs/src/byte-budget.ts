// `limitBytes` counted the way `kubectl logs --limit-bytes` counts: bytes of the log itself (each
// line and its newline), not of the timestamps we ask the kubelet to add. The line that crosses
// the limit is cut, possibly inside a UTF-8 sequence, as the kubelet cuts it.
import type { LogRecord } from '@tailgate/plugin-sdk';

export class ByteBudget {
  private used = 0;

  constructor(private readonly limit: number | undefined) {}

  get exhausted(): boolean {
    return this.limit !== undefined && this.used >= this.limit;
  }

  /** The records that fit, the last one cut to the limit. */
  take(records: readonly LogRecord[]): readonly LogRecord[] {
    if (this.limit === undefined) return records;
    const kept: LogRecord[] = [];
    for (const record of records) {
      if (this.used >= this.limit) break;
      const bytes = Buffer.from(record.line, 'utf8');
      const room = this.limit - this.used;
      this.used += bytes.length + 1;
      kept.push(bytes.length < room ? record : { ...record, line: bytes.subarray(0, room).toString('utf8') });
    }
    return kept;
  }
}
