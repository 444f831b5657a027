// What a subscription keeps of a container's records, applied on the node before anything is
// published: one stream (stdout or stderr) if asked, lines matching any `include` pattern (all
// when none), minus lines matching any `exclude` pattern. Patterns are checked for catastrophic
// shapes where they enter (selector schema, demand schema); compiled once per demand here.
import type { LogRecord } from '@tailgate/plugin-sdk';

export interface LineFilterSpec {
  readonly stream?: 'stdout' | 'stderr';
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
}

export type LineFilter = (record: LogRecord) => boolean;

export function compileLineFilter(spec: LineFilterSpec): LineFilter | undefined {
  const include = spec.include?.map((source) => new RegExp(source));
  const exclude = spec.exclude?.map((source) => new RegExp(source));
  const { stream } = spec;
  if (stream === undefined && include === undefined && exclude === undefined) return undefined;
  return (record) =>
    (stream === undefined || record.stream === stream) &&
    (include === undefined || include.some((pattern) => pattern.test(record.line))) &&
    (exclude === undefined || !exclude.some((pattern) => pattern.test(record.line)));
}

/** The records `filter` keeps; the same array when it keeps them all (or there is no filter). */
export function applyLineFilter(records: readonly LogRecord[], filter: LineFilter | undefined): readonly LogRecord[] {
  if (filter === undefined) return records;
  const kept = records.filter(filter);
  return kept.length === records.length ? records : kept;
}
