// How an agent writes its messages: JSON with `v`, `t` and `node` first (a reader can tell the kind
// from the head), and record batches cut into messages of at most about maxBatchBytes.
import type { LogRecord } from '@tailgate/plugin-sdk';

import type { AgentMessage } from './agent-messages';

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** One serialisation of one message. */
export function encodeAgentMessage(node: string, body: DistributiveOmit<AgentMessage, 'v' | 'node'>): string {
  const { t, ...rest } = body;
  return JSON.stringify({ v: 1, t, node, ...rest });
}

/**
 * `records` as consecutive runs of at most about `maxBytes` each (a record's line in UTF-8 plus its
 * other fields and framing, estimated); a single larger record makes a run of its own.
 */
export function cutBySize<T>(records: readonly LogRecord[], maxBytes: number, item: (record: LogRecord) => T): T[][] {
  if (records.length === 0) return [];
  // Most batches fit whole by an upper bound (UTF-8 takes at most 3 bytes per UTF-16 unit): their
  // records need no byte count each (a call into the runtime per record).
  if (upperBoundBytes(records) <= maxBytes) return [records.map(item)];
  const runs: T[][] = [];
  let run: T[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = Buffer.byteLength(record.line) + record.ts.length + record.cursor.length + FRAMING_BYTES;
    if (run.length > 0 && bytes + size > maxBytes) {
      runs.push(run);
      run = [];
      bytes = 0;
    }
    run.push(item(record));
    bytes += size;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** A record's fields other than its line, its quotes and separators, as cutBySize counts them. */
const FRAMING_BYTES = 40;

function upperBoundBytes(records: readonly LogRecord[]): number {
  let bytes = 0;
  for (const record of records) bytes += 3 * record.line.length + record.ts.length + record.cursor.length + FRAMING_BYTES;
  return bytes;
}
