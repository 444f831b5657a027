import { describe, expect, it } from 'vitest';

import { isNodeLogTarget, nodeLogTarget, targetKey } from './records';

describe('node log targets', () => {
  it('have empty namespace and pod, the query as container, and the node', () => {
    const target = nodeLogTarget('node-a', 'kubelet');
    expect(target).toEqual({ namespace: '', pod: '', container: 'kubelet', node: 'node-a' });
    expect(isNodeLogTarget(target)).toBe(true);
    expect(targetKey(target)).toBe('//kubelet');
  });

  it('are never confused with a pod target, nor recognised without a node', () => {
    expect(isNodeLogTarget({ namespace: 'ns', pod: 'p', container: 'kubelet', node: 'node-a' })).toBe(false);
    expect(isNodeLogTarget({ namespace: '', pod: 'p', container: 'c', node: 'node-a' })).toBe(false);
    expect(isNodeLogTarget({ namespace: '', pod: '', container: 'kubelet' })).toBe(false);
    expect(isNodeLogTarget({ namespace: '', pod: '', container: 'kubelet', node: '' })).toBe(false);
  });
});
