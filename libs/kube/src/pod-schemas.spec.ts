import { describe, expect, it } from 'vitest';

import { PodObjectSchema, toPodMetadata } from './pod-schemas';

const pod = (metadata: Record<string, unknown>, spec: Record<string, unknown> = {}) =>
  PodObjectSchema.parse({ metadata: { name: 'web-7d4b9c-x2x', namespace: 'shop', ...metadata }, spec });

describe('toPodMetadata', () => {
  it("names a ReplicaSet's pods by their Deployment, where the pod-template-hash label tells", () => {
    const owned = pod({
      labels: { app: 'web', 'pod-template-hash': '7d4b9c' },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d4b9c', controller: true }],
    });
    expect(toPodMetadata(owned).workload).toEqual({ kind: 'Deployment', name: 'web' });
    const bare = pod({ labels: {}, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d4b9c', controller: true }] });
    expect(toPodMetadata(bare).workload).toEqual({ kind: 'ReplicaSet', name: 'web-7d4b9c' });
  });

  it('takes the controlling owner only, and none when there is none', () => {
    const owned = pod({
      ownerReferences: [
        { kind: 'ConfigMap', name: 'not-a-controller' },
        { kind: 'StatefulSet', name: 'db', controller: true },
      ],
    });
    expect(toPodMetadata(owned).workload).toEqual({ kind: 'StatefulSet', name: 'db' });
    expect(toPodMetadata(pod({ ownerReferences: [{ kind: 'Node', name: 'n1' }] }))).not.toHaveProperty('workload');
    expect(toPodMetadata(pod({}))).toEqual({ namespace: 'shop', name: 'web-7d4b9c-x2x', labels: {} });
  });

  it('lists init containers first, then the containers', () => {
    const withContainers = pod(
      {},
      { nodeName: 'n1', initContainers: [{ name: 'migrate' }], containers: [{ name: 'app' }, { name: 'proxy' }] },
    );
    expect(toPodMetadata(withContainers)).toMatchObject({ node: 'n1', containers: ['migrate', 'app', 'proxy'] });
  });
});
