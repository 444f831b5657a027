import { describe, expect, it } from 'vitest';

import { parseEntry, parseJournalAnswer } from './journal-answer';

const NOW = Date.parse('2024-05-01T12:00:00Z');

describe('parseJournalAnswer', () => {
  it('turns short-precise entries into RFC 3339 (UTC, microseconds) lines without the host name', () => {
    const answer = parseJournalAnswer(
      ['May 01 10:00:00.123456 node-a kubelet[1000]: Started kubelet', 'May 01 10:00:05.000001 node-a containerd[7]: ready'],
      { notAfter: NOW },
    );
    expect(answer.lines).toEqual([
      { ts: '2024-05-01T10:00:00.123456Z', epochNanos: '01714557600123456000', identifier: 'kubelet[1000]', message: 'Started kubelet' },
      { ts: '2024-05-01T10:00:05.000001Z', epochNanos: '01714557605000001000', identifier: 'containerd[7]', message: 'ready' },
    ]);
    expect(answer.entries).toBe(2);
  });

  it('keeps continuation lines with their entry and drops journalctl markers', () => {
    const answer = parseJournalAnswer(
      [
        '-- Logs begin at Tue 2024-04-30 08:00:00 UTC. --',
        'Apr 30 08:00:00.000000 node-a kubelet[1]: panic: boom',
        '                                            goroutine 1 [running]:',
        '-- Boot 0123456789abcdef0123456789abcdef --',
        'May 01 09:00:00.000000 node-a kubelet[2]: after reboot',
        '-- No entries --',
      ],
      { notAfter: NOW },
    );
    expect(answer.lines.map((line) => [line.ts, line.identifier, line.message])).toEqual([
      ['2024-04-30T08:00:00.000000Z', 'kubelet[1]', 'panic: boom'],
      ['2024-04-30T08:00:00.000000Z', 'kubelet[1]', 'goroutine 1 [running]:'],
      ['2024-05-01T09:00:00.000000Z', 'kubelet[2]', 'after reboot'],
    ]);
    expect(answer.entries).toBe(2);
    expect(answer.unrecognised).toBe(0);
  });

  it('keeps a line whole when it has no identifier, and takes identifiers without a pid', () => {
    const answer = parseJournalAnswer(['May 01 10:00:00.000000 node-a kernel: oom', 'May 01 10:00:01.000000 node-a no identifier here'], {
      notAfter: NOW,
    });
    expect(answer.lines.map((line) => [line.identifier, line.message])).toEqual([
      ['kernel', 'oom'],
      ['', 'no identifier here'],
    ]);
  });

  it('reports that the services resolved to files, and counts lines it does not know without keeping them', () => {
    const answer = parseJournalAnswer(
      [
        '',
        'options present and query resolved to log files for [containerd]',
        'try without specifying options',
        'error: journal output not available',
      ],
      { notAfter: NOW },
    );
    expect(answer).toEqual({ lines: [], entries: 0, resolvedToFiles: true, unrecognised: 1 });
  });
});

describe('the year of an entry (short-precise has none)', () => {
  const year = (raw: string, reference: Parameters<typeof parseEntry>[1]) => parseEntry(raw, reference)?.ts.slice(0, 4);

  it('is the one at or before the time of reading, with a day of slack', () => {
    expect(year('Dec 31 23:59:59.000000 h u[1]: m', { notAfter: Date.parse('2025-01-01T00:00:10Z') })).toBe('2024');
    expect(year('Jan 01 00:00:05.000000 h u[1]: m', { notAfter: Date.parse('2025-01-01T00:00:10Z') })).toBe('2025');
    expect(year('Jan 01 10:00:00.000000 h u[1]: m', { notAfter: Date.parse('2024-12-31T23:00:00Z') })).toBe('2025');
  });

  it('is the one at or after sinceTime when the query has one, so a read across New Year keeps counting up', () => {
    const notBefore = Date.parse('2024-12-31T23:59:00Z');
    expect(year('Dec 31 23:59:30.000000 h u[1]: m', { notBefore, notAfter: NOW })).toBe('2024');
    expect(year('Jan 01 00:00:30.000000 h u[1]: m', { notBefore, notAfter: NOW })).toBe('2025');
    // A node clock a little behind the gateway's at New Year.
    expect(year('Dec 31 23:59:59.000000 h u[1]: m', { notBefore: Date.parse('2025-01-01T00:00:10Z'), notAfter: NOW })).toBe('2024');
  });

  it('puts Feb 29 in a leap year', () => {
    expect(year('Feb 29 10:00:00.000000 h u[1]: m', { notAfter: Date.parse('2025-06-01T00:00:00Z') })).toBe('2024');
  });
});
