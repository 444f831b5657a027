// Where a container's tail stands, in a form that outlives the process: the file (inode and the
// path it had), a byte offset at a line start, the bytes right before it (to recognise the file
// again: inodes are reused), the cursor clock there and the last cursor handed out. Resuming
// re-reads from `offset` and skips records up to `cursor`, so nothing is lost or handed out twice.
import { z } from 'zod';

import type { ClockState } from './container-log-decoder';
import type { LogFileSnapshot } from './log-file-snapshot';

export const TailPositionSchema = z.strictObject({
  path: z.string().min(1),
  ino: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  fingerprint: z.base64(),
  clock: z.strictObject({ epochNanos: z.string().regex(/^(\d{20})?$/), sequence: z.number().int().nonnegative() }),
  cursor: z.string().optional(),
});

export interface TailPosition {
  /** The file's path when the position was taken; it may have been rotated since (found again by inode). */
  readonly path: string;
  readonly ino: number;
  /** A line start in that file with no partial (`P`) entry pending before it. */
  readonly offset: number;
  /** Base64 of the bytes right before `offset` (at most FINGERPRINT_BYTES). */
  readonly fingerprint: string;
  /** The cursor clock at `offset`. */
  readonly clock: ClockState;
  /** The last cursor handed out; records up to it are not handed out again. */
  readonly cursor?: string;
}

/**
 * Where a tailer starts: absent, at the beginning of the file being written; `end`, where that
 * file ended at a snapshot (cursors continue as a reader from its top would give them);
 * `first-open-end`, where it ends when the tailer first manages to open it (no snapshot could be
 * taken, e.g. the directory was unreadable); or a saved position.
 */
export type TailerStart =
  | { readonly at: 'end'; readonly file: LogFileSnapshot }
  | { readonly at: 'first-open-end' }
  | { readonly at: 'position'; readonly position: TailPosition };
