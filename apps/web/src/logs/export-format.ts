// What "download" writes: plain text (one line per record, stern's `<pod> <container> <line>`
// with the timestamp first), CSV (RFC 4180 quoting) or JSON lines (one record object per line).
// Notices are left out of CSV and JSON lines (records only) and kept as `# …` lines in text.
import type { LogEntry, LogLine } from './log-entry';

export const EXPORT_FORMATS = ['text', 'csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_MIME: Readonly<Record<ExportFormat, string>> = {
  text: 'text/plain;charset=utf-8',
  csv: 'text/csv;charset=utf-8',
  jsonl: 'application/x-ndjson;charset=utf-8',
};

export const EXPORT_EXTENSION: Readonly<Record<ExportFormat, string>> = { text: 'log', csv: 'csv', jsonl: 'jsonl' };

const CSV_COLUMNS = ['ts', 'namespace', 'pod', 'container', 'stream', 'level', 'line'] as const;

/** One CSV field: quoted when it holds a comma, quote, CR or LF, or starts/ends with a space; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csvRow(line: LogLine): string {
  return [line.ts, line.ns, line.pod, line.container, line.stream, line.level ?? '', line.line].map(csvField).join(',');
}

function jsonLine(line: LogLine): string {
  const { ts, ns, pod, container, stream } = line;
  return JSON.stringify({ ts, ns, pod, container, stream, ...(line.level && { level: line.level }), line: line.line });
}

/** The whole file's text, lines ending in `\n` (CSV: `\r\n`, as RFC 4180 has it). */
export function formatExport(entries: Iterable<LogEntry>, format: ExportFormat): string {
  const out: string[] = format === 'csv' ? [CSV_COLUMNS.join(',')] : [];
  for (const entry of entries) {
    if (entry.kind === 'notice') {
      if (format === 'text') out.push(`# ${entry.text}`);
      continue;
    }
    if (format === 'csv') out.push(csvRow(entry));
    else if (format === 'jsonl') out.push(jsonLine(entry));
    else out.push(`${entry.ts} ${entry.ns}/${entry.pod} ${entry.container} ${entry.line}`);
  }
  const eol = format === 'csv' ? '\r\n' : '\n';
  return out.length === 0 ? '' : `${out.join(eol)}${eol}`;
}

/** `tailgate-<source>-<utc time>.<ext>`: a name that sorts, with no characters file systems refuse. */
export function exportFileName(source: string, format: ExportFormat, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return `tailgate-${source.replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}.${EXPORT_EXTENSION[format]}`;
}
