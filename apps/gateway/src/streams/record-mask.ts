// What a listener is shown of each record's line: its redaction profiles' transforms, applied to
// a batch at a time (once per permission class, since the mask is part of the class key). Records
// are shared by every class and path, so they are never changed: a record whose line changed is
// copied with the new line, and its cursor, timestamp, target and stream stay as they were.
import type { WireRecord } from '@tailgate/contracts';
import type { LineTransform, PluginLogger } from '@tailgate/plugin-sdk';

/** What every line of a batch becomes when a transform fails: nothing of it is delivered. */
export const WITHHELD_LINE = '[REDACTED:transform-failed]';

export interface RecordMask {
  /** Equal signatures ⇔ equal masks; '' for no mask. Part of the permission class key. */
  readonly signature: string;
  /** The records as this mask shows them; the same array when no line changed. */
  apply(records: readonly WireRecord[]): readonly WireRecord[];
}

/** No redaction: records are delivered as the source wrote them. */
export const NO_MASK: RecordMask = Object.freeze({ signature: '', apply: (records: readonly WireRecord[]) => records });

export interface MaskStep {
  /** `<pluginId>.<name>` of the transform, for the log. */
  readonly transform: string;
  readonly run: LineTransform;
}

export function recordMask(signature: string, steps: readonly MaskStep[], logger: PluginLogger): RecordMask {
  return {
    signature,
    apply(records) {
      if (records.length === 0) return records;
      const lines = records.map((record) => record.line);
      const masked = maskLines(lines, steps, signature, logger);
      let out: WireRecord[] | undefined;
      for (let i = 0; i < records.length; i++) {
        const line = masked[i] as string;
        if (line === lines[i]) continue;
        out ??= records.slice();
        out[i] = { ...(records[i] as WireRecord), line };
      }
      return out ?? records;
    },
  };
}

/** The lines through every step; a step that throws or answers with anything but one string per line withholds them all. */
function maskLines(lines: readonly string[], steps: readonly MaskStep[], profile: string, logger: PluginLogger): readonly string[] {
  let current = lines;
  for (const step of steps) {
    let next: readonly string[] | undefined;
    try {
      next = step.run(current);
    } catch {
      next = undefined;
    }
    if (next?.length !== current.length || !next.every((line) => typeof line === 'string')) {
      // Neither the error nor any line is logged: either could carry what was to be masked.
      logger.error({ transform: step.transform, profile, lines: lines.length }, 'record transform failed; the batch was withheld');
      return lines.map(() => WITHHELD_LINE);
    }
    current = next;
  }
  return current;
}
