// How `tailgate sources` shows what a server offers: a table for people, JSON for scripts. Pure.
import type { SourceDescription } from '@tailgate/contracts';

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

export function sourcesTable(sources: readonly SourceDescription[]): string {
  const header = ['ID', 'TAIL', 'SINCE', 'RESUME', 'DESCRIPTION'];
  const rows = [
    header,
    ...sources.map((s) => [s.id, yesNo(s.supports.tail), yesNo(s.supports.since), yesNo(s.supports.resume), s.description]),
  ];
  const widths = header.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const format = (row: readonly string[]): string =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${rows.map(format).join('\n')}\n`;
}

/** One JSON document: the sources as the protocol describes them, field by field. */
export function sourcesJson(sources: readonly SourceDescription[]): string {
  const out = sources.map((s) => ({
    id: s.id,
    description: s.description,
    supports: { tail: s.supports.tail, since: s.supports.since, resume: s.supports.resume },
    selector: s.selector,
  }));
  return `${JSON.stringify(out, null, 2)}\n`;
}
