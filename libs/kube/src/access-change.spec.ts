import { describe, expect, it } from 'vitest';

import { accessChangeOfPod } from './access-change';

const pod = (labels: Record<string, string>) => ({ namespace: 'ns', name: 'web', labels });

describe('accessChangeOfPod', () => {
  it('is a change for a new pod, a deleted one and a relabelled one', () => {
    expect(accessChangeOfPod({ type: 'upsert', pod: pod({ a: '1' }), previous: undefined })).toEqual({
      kind: 'pod',
      namespace: 'ns',
      pod: 'web',
    });
    expect(accessChangeOfPod({ type: 'upsert', pod: pod({ a: '2' }), previous: pod({ a: '1' }) })).toEqual({
      kind: 'pod',
      namespace: 'ns',
      pod: 'web',
    });
    expect(accessChangeOfPod({ type: 'upsert', pod: pod({ a: '1', b: '1' }), previous: pod({ a: '1' }) })).toEqual({
      kind: 'pod',
      namespace: 'ns',
      pod: 'web',
    });
    expect(accessChangeOfPod({ type: 'delete', namespace: 'ns', name: 'web' })).toEqual({ kind: 'pod', namespace: 'ns', pod: 'web' });
  });

  it('is no change when only status or other fields changed', () => {
    expect(accessChangeOfPod({ type: 'upsert', pod: pod({ a: '1', b: '2' }), previous: pod({ b: '2', a: '1' }) })).toBeUndefined();
  });

  it('is a namespace or cluster change after a re-list, which may hide relabelling, and none after the first list', () => {
    expect(accessChangeOfPod({ type: 'synced', namespace: 'ns', relisted: true })).toEqual({ kind: 'namespace', namespace: 'ns' });
    expect(accessChangeOfPod({ type: 'synced', namespace: undefined, relisted: true })).toEqual({ kind: 'cluster' });
    expect(accessChangeOfPod({ type: 'synced', namespace: 'ns', relisted: false })).toBeUndefined();
  });
});
