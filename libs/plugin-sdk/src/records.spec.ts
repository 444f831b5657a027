import { describe, expect, it } from 'vitest';

import {
  EVENTS_CONTAINER,
  isNodeLogTarget,
  isObjectEventsTarget,
  nodeLogTarget,
  objectEventsTarget,
  podEventsTarget,
  targetKey,
} from './records';

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

describe('events targets', () => {
  it('are a pod itself with the container Events for pod events, judged as that pod', () => {
    const target = podEventsTarget('team-a', 'web-1');
    expect(target).toEqual({ namespace: 'team-a', pod: 'web-1', container: EVENTS_CONTAINER });
    expect(isObjectEventsTarget(target)).toBe(false);
    expect(targetKey(target)).toBe('team-a/web-1/Events');
  });

  it('name another object <kind>[.<group>]:<name>, which no pod name can be', () => {
    const deployment = objectEventsTarget('team-a', { kind: 'Deployment', group: 'apps', name: 'web' });
    expect(deployment).toEqual({ namespace: 'team-a', pod: 'deployment.apps:web', container: 'Events' });
    expect(objectEventsTarget('default', { kind: 'Node', group: '', name: 'node-a' }).pod).toBe('node:node-a');
    expect(isObjectEventsTarget(deployment)).toBe(true);
  });

  it('are never recognised in a container target or a node log target', () => {
    expect(isObjectEventsTarget({ namespace: 'team-a', pod: 'deployment.apps:web', container: 'app' })).toBe(false);
    expect(isObjectEventsTarget({ namespace: 'team-a', pod: 'web', container: 'Events' })).toBe(false);
    expect(isObjectEventsTarget({ namespace: '', pod: 'node:n', container: 'Events' })).toBe(false);
    expect(isObjectEventsTarget(nodeLogTarget('node-a', 'kubelet'))).toBe(false);
  });
});
