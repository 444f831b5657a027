import { describe, expect, it } from 'vitest';

import { scopeOf, workloadsOf } from './source-scope';

describe('scopeOf', () => {
  it('groups readable pods under their namespaces, keeping namespaces with none listed', () => {
    const scope = scopeOf({
      namespaces: ['team-a', 'team-c'],
      pods: [
        {
          namespace: 'team-a',
          name: 'checkout-api',
          labels: { app: 'checkout' },
          workload: { kind: 'Deployment', name: 'checkout' },
          containers: ['api'],
        },
        { namespace: 'team-a', name: 'cron-1', workload: { kind: 'Job', name: 'cron-1' } },
        { namespace: 'team-a', name: 'odd', workload: { kind: 'Node', name: 'n1' } },
      ],
      truncated: false,
    });
    expect(scope.namespaces.map((ns) => [ns.name, ns.pods.map((p) => p.name)])).toEqual([
      ['team-a', ['checkout-api', 'cron-1', 'odd']],
      ['team-c', []],
    ]);
    const teamA = scope.namespaces[0];
    expect(teamA?.pods[0]).toEqual({
      name: 'checkout-api',
      labels: { app: 'checkout' },
      workload: { kind: 'deployment', name: 'checkout' },
      containers: ['api'],
    });
    // A kind no selector can name is left out of the workload picker.
    expect(teamA?.pods[2]?.workload).toBeUndefined();
    expect(workloadsOf(teamA)).toEqual([
      { kind: 'deployment', name: 'checkout' },
      { kind: 'job', name: 'cron-1' },
    ]);
  });
});
