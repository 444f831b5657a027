import { describe, expect, it } from 'vitest';

import { initialFloors, liftPassedFloors, noteLastCursors, passFloor } from './delivery-floors';
import { wireRecord as record } from './testing/wire-record';

describe('delivery floors', () => {
  it('starts from the resume cursors of the targets there are, raised by the backlog page by page, for readable targets', () => {
    const after = {
      byTarget: new Map([
        ['n/a/c', '3'],
        ['n/gone/c', '3'],
      ]),
      otherwise: '2',
    };
    const last = new Map<string, string>();
    noteLastCursors(last, [record('a', '5'), record('x', '1')]);
    noteLastCursors(last, [record('a', '6'), record('hidden', '9')]);
    expect(last).toEqual(
      new Map([
        ['n/a/c', '6'],
        ['n/x/c', '1'],
        ['n/hidden/c', '9'],
      ]),
    );
    const floors = initialFloors(after, ['n/a/c', 'n/b/c', 'n/hidden/c'], last, (key) => key !== 'n/hidden/c');
    expect(floors).toEqual(
      new Map([
        ['n/a/c', '6'],
        ['n/b/c', '2'],
        ['n/x/c', '1'],
      ]),
    );
    expect(initialFloors(undefined, ['n/a/c'], new Map(), () => true)).toEqual(new Map());
  });

  it('drops records at or below a floor and lifts the floor at the first one above it', () => {
    const floors = new Map([['n/a/c', '3']]);
    expect(['2', '3', '4', '5'].filter((cursor) => passFloor(floors, 'n/a/c', cursor))).toEqual(['4', '5']);
    expect(floors.size).toBe(0);
    expect(passFloor(floors, 'n/other/c', '0')).toBe(true);
  });

  it('lifts the floors the live stream has reached', () => {
    const floors = new Map([
      ['n/a/c', '3'],
      ['n/b/c', '3'],
      ['n/c/c', '3'],
    ]);
    liftPassedFloors(
      floors,
      new Map([
        ['n/a/c', '3'],
        ['n/b/c', '2'],
      ]),
    );
    expect([...floors.keys()]).toEqual(['n/b/c', 'n/c/c']);
  });
});
