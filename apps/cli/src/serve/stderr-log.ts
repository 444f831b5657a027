// Where an embedded gateway's log goes: one short line per warning or error on stderr, instead of
// the server's JSON on stdout (stdout carries the user's log lines). Only the message and the
// error's name are shown — never the logged object, which could hold a token or a record.
import { z } from 'zod';

const LogEntrySchema = z.object({
  level: z.string(),
  msg: z.string().optional(),
  err: z.string().optional(),
});

/** The levels shown; the gateway logs them as labels. */
const SHOWN = new Set(['warn', 'error', 'fatal']);

export interface LineSink {
  write(text: string): unknown;
}

export function stderrLog(prefix: string, sink: LineSink = process.stderr): { write(line: string): void } {
  return {
    write(line: string): void {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      const entry = LogEntrySchema.safeParse(parsed);
      if (!entry.success || !SHOWN.has(entry.data.level) || entry.data.msg === undefined) return;
      sink.write(`${prefix}: ${entry.data.msg}${entry.data.err === undefined ? '' : ` (${entry.data.err})`}\n`);
    },
  };
}
