// Record transforms rewrite what a listener is shown of each record's line (redaction is the
// bundled one). The host applies them per permission class: a class's share of a batch goes
// through its profile's transforms once, whatever number of listeners the class holds, and
// every record keeps its cursor, timestamp, target and stream — only `line` is the transform's.
import type { ZodType } from 'zod';

/**
 * One batch of lines in, one line out per line in, same order. Pure, synchronous, no I/O; it
 * keeps nothing of the lines. Returning the input line itself (`===`) says "unchanged", which
 * lets the host reuse the record; a wrong length or a throw makes the host withhold every line
 * of the batch (it fails closed, never open).
 */
export type LineTransform = (lines: readonly string[]) => readonly string[];

export interface RecordTransform<P = unknown> {
  /** Local name; profiles refer to it as `<pluginId>.<name>`. */
  readonly name: string;
  /** The params a profile gives this transform (tailgate.yaml `redaction.profiles`), parsed once at boot. */
  readonly params: ZodType<P>;
  /**
   * Called once per profile that uses it, at boot, with its parsed params: compile patterns here.
   * May throw (a refused pattern): the gateway does not start, and the error's message (which
   * must not echo a secret) names the problem.
   */
  prepare(params: P): LineTransform;
}
