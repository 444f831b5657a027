// The one message an ingested body becomes on its tap's bus channel: a JSON array of records, each
// built field by field from IngestRecord (so nothing else of the shipper's body, its labels least
// of all, can ride along), and parsed back strictly by the stream that taps the flow.
import { z } from 'zod';

import type { IngestRecord } from './ingest/ingest-record';

const TapRecordSchema = z.strictObject({
  namespace: z.string().min(1).max(63),
  pod: z.string().min(1).max(253),
  container: z.string().min(1).max(253),
  stream: z.enum(['stdout', 'stderr']),
  time: z.string().max(64).optional(),
  line: z.string(),
});

const TapMessageSchema = z.array(TapRecordSchema);

export function encodeTapMessage(records: readonly IngestRecord[]): string {
  return JSON.stringify(
    records.map((record) => ({
      namespace: record.namespace,
      pod: record.pod,
      container: record.container,
      stream: record.stream,
      ...(record.time !== undefined && { time: record.time }),
      line: record.line,
    })),
  );
}

/** The records of a message; undefined for anything that is not exactly what encodeTapMessage writes. */
export function parseTapMessage(message: string): readonly IngestRecord[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return undefined;
  }
  const parsed = TapMessageSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
