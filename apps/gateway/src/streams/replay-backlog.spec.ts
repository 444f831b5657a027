import type { WireRecord } from '@tailgate/contracts';
import type { ResumePoint } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { type BusMessage, encodeBusMessage } from '../model/bus-message';
import { replayWireBacklog } from './replay-backlog';
import { wireRecord as wire } from './testing/wire-record';

const held = (...messages: BusMessage[]) => messages.map((message, i) => ({ id: `${i + 1}-0`, message: encodeBusMessage(message) }));
const after = (byTarget: Record<string, string>, otherwise?: string): ResumePoint =>
  otherwise === undefined ? { byTarget: new Map(Object.entries(byTarget)) } : { byTarget: new Map(Object.entries(byTarget)), otherwise };

async function pagesOf(backlog: { pages: AsyncIterable<readonly WireRecord[]> }): Promise<WireRecord[]> {
  const records: WireRecord[] = [];
  for await (const page of backlog.pages) records.push(...page);
  return records;
}

describe('replayWireBacklog', () => {
  const buffer = held(
    { t: 'target', op: 'added', target: { ns: 'n', pod: 'a', container: 'c' } },
    { t: 'records', records: [wire('a', '1'), wire('b', '1'), wire('a', '2')] },
    { t: 'end', reason: 'complete' },
    { t: 'records', records: [wire('a', '3'), wire('b', '2')] },
  );

  it('hands over the wire records after each resume cursor, complete when the buffer holds every cursor', async () => {
    const { backlog, complete } = replayWireBacklog(buffer, after({ 'n/a/c': '1', 'n/b/c': '1' }));
    expect(complete).toBe(true);
    expect(await pagesOf(backlog)).toEqual([wire('a', '2'), wire('a', '3'), wire('b', '2')]);
  });

  it('resumes targets it was not given a cursor for after the smallest one', async () => {
    const { backlog } = replayWireBacklog(buffer, after({ 'n/a/c': '2' }, '1'));
    expect(await pagesOf(backlog)).toEqual([wire('a', '3'), wire('b', '2')]);
  });

  it('is incomplete when the buffer no longer holds a resume cursor', () => {
    expect(replayWireBacklog(buffer, after({ 'n/a/c': '0' })).complete).toBe(false);
  });

  it('knows a target by its announcement, or by its first record when the announcement is gone', () => {
    const { backlog } = replayWireBacklog(buffer, after({ 'n/a/c': '1', 'n/b/c': '1' }));
    expect(backlog.targets).toEqual([
      { ns: 'n', pod: 'a', container: 'c' },
      { ns: 'n', pod: 'b', container: 'c' },
    ]);
  });
});
