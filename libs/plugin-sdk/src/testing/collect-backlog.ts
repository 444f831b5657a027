// Reads a whole backlog, for tests that look at all of it at once.
import type { Backlog } from '../log-source';
import type { LogRecord, TargetRef } from '../records';

export interface CollectedBacklog {
  readonly targets: readonly TargetRef[];
  readonly records: LogRecord[];
  /** How many pages the records came in. */
  readonly pages: number;
}

export async function collectBacklog(backlog: Backlog | Promise<Backlog>): Promise<CollectedBacklog> {
  const { targets, pages } = await backlog;
  const records: LogRecord[] = [];
  let count = 0;
  for await (const page of pages) {
    records.push(...page);
    count++;
  }
  return { targets, records, pages: count };
}
