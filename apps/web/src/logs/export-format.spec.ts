import { describe, expect, it } from 'vitest';

import type { LogEntry } from './log-entry';
import { csvField, exportFileName, formatExport } from './export-format';

const entries: LogEntry[] = [
  {
    kind: 'line',
    seq: 1,
    ts: '2026-12-07T10:00:00.123456789Z',
    ns: 'team-a',
    pod: 'api',
    container: 'c',
    stream: 'stdout',
    line: 'plain',
    json: false,
  },
  { kind: 'notice', seq: 2, notice: 'gap', text: 'lines may be missing here', severity: 'warning' },
  {
    kind: 'line',
    seq: 3,
    ts: '2026-12-07T10:00:01Z',
    ns: 'team-a',
    pod: 'api',
    container: 'c',
    stream: 'stderr',
    line: '{"level":"error","msg":"a, \\"b\\""}',
    level: 'error',
    json: true,
  },
];

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    [' padded', '" padded"'],
    ['', ''],
  ])('quotes %j as %j', (value, quoted) => {
    expect(csvField(value)).toBe(quoted);
  });
});

describe('formatExport', () => {
  it('writes CSV with a header, RFC 4180 quoting, CRLF line ends and no notices', () => {
    expect(formatExport(entries, 'csv')).toBe(
      'ts,namespace,pod,container,stream,level,line\r\n' +
        '2026-12-07T10:00:00.123456789Z,team-a,api,c,stdout,,plain\r\n' +
        '2026-12-07T10:00:01Z,team-a,api,c,stderr,error,"{""level"":""error"",""msg"":""a, \\""b\\""""}"\r\n',
    );
  });

  it('writes one JSON object per line that reads back to the record', () => {
    const lines = formatExport(entries, 'jsonl').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { ts: '2026-12-07T10:00:00.123456789Z', ns: 'team-a', pod: 'api', container: 'c', stream: 'stdout', line: 'plain' },
      {
        ts: '2026-12-07T10:00:01Z',
        ns: 'team-a',
        pod: 'api',
        container: 'c',
        stream: 'stderr',
        level: 'error',
        line: entries[2]!.kind === 'line' ? entries[2]!.line : '',
      },
    ]);
  });

  it('writes text with notices as # lines, in stream order', () => {
    expect(formatExport(entries, 'text')).toBe(
      '2026-12-07T10:00:00.123456789Z team-a/api c plain\n# lines may be missing here\n2026-12-07T10:00:01Z team-a/api c {"level":"error","msg":"a, \\"b\\""}\n',
    );
  });

  it('writes an empty file for nothing (CSV: the header)', () => {
    expect(formatExport([], 'text')).toBe('');
    expect(formatExport([], 'csv')).toBe('ts,namespace,pod,container,stream,level,line\r\n');
  });

  it('names files after the source and the time, with nothing a file system refuses', () => {
    expect(exportFileName('node-file.pods', 'jsonl', new Date('2026-12-07T10:00:00.5Z'))).toBe(
      'tailgate-node-file.pods-2026-12-07T10-00-00-500Z.jsonl',
    );
    expect(exportFileName('a/b:c', 'csv', new Date(0))).toMatch(/^tailgate-a_b_c-[\w-]+\.csv$/);
  });
});
