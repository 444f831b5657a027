import type { WireRecord } from '@tailgate/contracts';
import { describe, expect, it } from 'vitest';

import { BacklogRead, heldRuns, missedTargetChanges } from './listener-backlog';
import { SlowLane } from './slow-lane';

const target = (pod: string) => ({ ns: 'n', pod, container: 'c' });
const record = (line: string): WireRecord => ({ ts: 't', ...target('a'), stream: 'stdout', line, cursor: line });

describe('a listener backlog', () => {
  it('finds the target changes a listener missed while its backlog was sent', () => {
    const told = new Map([
      ['n/kept/c', { target: target('kept'), allowed: true }],
      ['n/gone/c', { target: target('gone'), allowed: true }],
      ['n/hidden-gone/c', { target: target('hidden-gone'), allowed: false }],
      ['n/revoked/c', { target: target('revoked'), allowed: true }],
      ['n/granted/c', { target: target('granted'), allowed: false }],
    ]);
    const now = new Map(['kept', 'revoked', 'granted', 'new'].map((pod) => [`n/${pod}/c`, target(pod)]));
    const changes = missedTargetChanges(told, now, (key) => key !== 'n/revoked/c');
    expect(changes.announce.map(([key]) => key)).toEqual(['n/revoked/c', 'n/granted/c', 'n/new/c']);
    expect(changes.removed).toEqual([target('gone')]);
  });

  it('gives back what was held in runs between the drops, with the drops after the last one', () => {
    const held = new SlowLane<WireRecord[]>(250);
    // Each batch counts 100 bytes: two fit, the oldest go first.
    for (const line of ['1', '2', '3', '4', '5']) held.push([record(line)], 100, 1);
    expect(heldRuns(held, (r) => r.line !== '5')).toEqual([{ droppedBefore: 3, records: [record('4')] }]);
    expect(heldRuns(held, () => true)).toEqual([]);
    expect(heldRuns(undefined, () => true)).toEqual([]);
  });

  it('abandons a read whose step takes longer than its timeout, and aborts the source', async () => {
    const read = new BacklogRead(20);
    const never = new Promise<never>(() => undefined);
    await expect(read.step(never)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(read.signal.aborted).toBe(true);
    expect(await new BacklogRead(1_000).step(Promise.resolve(7))).toBe(7);
  });
});
