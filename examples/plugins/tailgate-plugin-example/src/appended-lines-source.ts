// A log source over a directory of plain-text files: each `<directory>/<file>.log` is one target,
// `<namespace>/<file>` (container `log`), and a stream follows the lines appended to it after it
// opened, as `tail -f` would, by polling the file's size. A file that shrank was truncated: the
// stream starts over at its beginning. In a cluster, every gateway replica must see the directory.
import { statSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import {
  CursorClock,
  dateToEpochNanos,
  LineSplitter,
  type LogRecord,
  type LogSource,
  type SourceEvent,
  type TargetRef,
  z,
} from '@tailgate/plugin-sdk';

/** Longer lines are cut here: a file is not trusted to have newlines. */
const MAX_LINE_BYTES = 64 * 1024;
/** Most bytes read per poll, so one burst cannot hold a whole file in memory. */
const MAX_READ_BYTES = 1024 * 1024;

export const FileSelectorSchema = z.strictObject({
  file: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'a file name without `.log`: lowercase letters, digits and dashes')
    .describe('Which `<file>.log` of the directory to follow.'),
});
export type FileSelector = z.output<typeof FileSelectorSchema>;

export interface AppendedLinesSettings {
  readonly directory: string;
  readonly namespace: string;
  readonly pollIntervalMs: number;
}

export function appendedLinesSource(settings: AppendedLinesSettings): LogSource<FileSelector> {
  const targetOf = (selector: FileSelector): TargetRef => ({ namespace: settings.namespace, pod: selector.file, container: 'log' });
  return {
    name: 'files',
    description: 'Lines appended to a file of the configured directory, as they are written.',
    selector: FileSelectorSchema,
    streamKey: (selector) => selector.file,
    scope: (selector) => [{ namespace: settings.namespace, pod: selector.file, container: 'log' }],
    open: (selector, ctx) =>
      follow(join(settings.directory, `${selector.file}.log`), targetOf(selector), settings.pollIntervalMs, ctx.signal),
  };
}

async function* follow(path: string, target: TargetRef, pollIntervalMs: number, signal: AbortSignal): AsyncGenerator<SourceEvent> {
  // Read at once, before the first await: the stream starts where the file ends as it opens.
  let offset = sizeNow(path);
  const splitter = new LineSplitter(MAX_LINE_BYTES);
  const clock = new CursorClock();
  yield { type: 'target', op: 'added', target };
  while (!signal.aborted) {
    const size = (await stat(path).catch(() => undefined))?.size ?? 0;
    if (size < offset) {
      offset = 0;
      splitter.reset();
    }
    if (size > offset) {
      const chunk = await readRange(path, offset, Math.min(size, offset + MAX_READ_BYTES));
      offset += chunk.length;
      // The lines of one read were seen at one instant: one timestamp, cursors in line order.
      const now = new Date();
      const [ts, nanos] = [now.toISOString(), dateToEpochNanos(now)];
      const records: LogRecord[] = [];
      splitter.push(chunk, (line) =>
        records.push({ ts, target, stream: 'stdout', line: line.toString('utf8'), cursor: clock.next(nanos) }),
      );
      if (records.length > 0) yield { type: 'records', records };
      if (offset < size) continue;
    }
    // Aborting ends the wait at once (it rejects); the loop then sees the signal and ends.
    await delay(pollIntervalMs, undefined, { signal }).catch(() => undefined);
  }
}

/** A file not there (yet) has size 0: its lines appear once it is written. */
function sizeNow(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
}

async function readRange(path: string, from: number, to: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(to - from);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, from);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
