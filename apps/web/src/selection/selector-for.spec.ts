import { describe, expect, it } from 'vitest';

import { selectorFor, supportedFields } from './selector-for';
import { EMPTY_CHOICE, type WatchChoice } from './watch-choice';

// The property names of the two bundled pod sources' selector schemas (their JSON Schema shape).
const KUBE_POD_LOGS = {
  type: 'object',
  properties: Object.fromEntries(
    ['namespaces', 'pods', 'podPattern', 'labelSelector', 'workload', 'containers', 'previous'].map((k) => [k, {}]),
  ),
};
const NODE_FILE = { type: 'object', properties: { namespace: {}, pod: {}, container: {} } };

const choice = (patch: Partial<WatchChoice>): WatchChoice => ({ ...EMPTY_CHOICE, source: 's', ...patch });

describe('selectorFor', () => {
  it('maps every choice onto kube-pod-logs: lists, the workload, the label selector', () => {
    const mapped = selectorFor(
      choice({
        namespace: 'team-a',
        workload: { kind: 'deployment', name: 'checkout' },
        labelSelector: ' app=web ',
        containers: ['api', 'sidecar'],
      }),
      KUBE_POD_LOGS,
    );
    expect(mapped).toEqual({
      selector: {
        namespaces: ['team-a'],
        workload: { kind: 'deployment', name: 'checkout' },
        labelSelector: 'app=web',
        containers: ['api', 'sidecar'],
      },
      unsupported: [],
    });
  });

  it('maps a namespace, a pod and one container onto node-file', () => {
    expect(selectorFor(choice({ namespace: 'team-a', pod: 'checkout-api', containers: ['api'] }), NODE_FILE)).toEqual({
      selector: { namespace: 'team-a', pod: 'checkout-api', container: 'api' },
      unsupported: [],
    });
  });

  it('reports what node-file cannot express instead of dropping it', () => {
    const mapped = selectorFor(choice({ workload: { kind: 'job', name: 'j' }, labelSelector: 'a=b', containers: ['x', 'y'] }), NODE_FILE);
    expect(mapped.unsupported).toEqual(['workload', 'labelSelector', 'containers']);
    expect(mapped.selector).toEqual({});
  });

  it('selects everything with no choices', () => {
    expect(selectorFor(choice({}), NODE_FILE)).toEqual({ selector: {}, unsupported: [] });
  });

  it('tells the pickers which fields a source supports', () => {
    expect([...supportedFields(NODE_FILE)].sort()).toEqual(['containers', 'namespace', 'pod']);
    expect([...supportedFields(KUBE_POD_LOGS)].sort()).toEqual(['containers', 'labelSelector', 'namespace', 'pod', 'workload']);
    expect(supportedFields({}).size).toBe(0);
  });
});
