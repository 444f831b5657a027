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
  const runs: T[][] = [];
  let run: T[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = Buffer.byteLength(record.line) + record.ts.length + record.cursor.length + 40;
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
