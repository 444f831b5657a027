import { describe, expect, it } from 'vitest';

import { addRefPatch, removeRefPatch } from './output-ref-patch';

const rv = '42';

describe('the JSON Patch of a Flow output ref', () => {
  it('appends to the refs, testing the array it read', () => {
    expect(addRefPatch('flow', { resourceVersion: rv, hasSpec: true, refs: ['a'] }, 'tap')).toEqual([
      { op: 'test', path: '/spec/localOutputRefs', value: ['a'] },
      { op: 'add', path: '/spec/localOutputRefs/-', value: 'tap' },
    ]);
  });

  it('uses globalOutputRefs for a ClusterFlow', () => {
    expect(addRefPatch('clusterflow', { resourceVersion: rv, hasSpec: true, refs: [] }, 'tap')).toEqual([
      { op: 'test', path: '/spec/globalOutputRefs', value: [] },
      { op: 'add', path: '/spec/globalOutputRefs/-', value: 'tap' },
    ]);
  });

  it('creates the array (or the spec) only if the Flow is still the version it read', () => {
    expect(addRefPatch('flow', { resourceVersion: rv, hasSpec: true, refs: undefined }, 'tap')).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: rv },
      { op: 'add', path: '/spec/localOutputRefs', value: ['tap'] },
    ]);
    expect(addRefPatch('flow', { resourceVersion: rv, hasSpec: false, refs: undefined }, 'tap')).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: rv },
      { op: 'add', path: '/spec', value: { localOutputRefs: ['tap'] } },
    ]);
  });

  it('is nothing when the ref is there already, or absent already', () => {
    expect(addRefPatch('flow', { resourceVersion: rv, hasSpec: true, refs: ['tap', 'b'] }, 'tap')).toBeUndefined();
    expect(removeRefPatch('flow', { resourceVersion: rv, hasSpec: true, refs: ['b'] }, 'tap')).toBeUndefined();
    expect(removeRefPatch('flow', { resourceVersion: rv, hasSpec: false, refs: undefined }, 'tap')).toBeUndefined();
  });

  it('removes every occurrence, from the end, and no other ref', () => {
    expect(removeRefPatch('flow', { resourceVersion: rv, hasSpec: true, refs: ['tap', 'a', 'tap', 'b'] }, 'tap')).toEqual([
      { op: 'test', path: '/spec/localOutputRefs', value: ['tap', 'a', 'tap', 'b'] },
      { op: 'remove', path: '/spec/localOutputRefs/2' },
      { op: 'remove', path: '/spec/localOutputRefs/0' },
    ]);
  });
});
