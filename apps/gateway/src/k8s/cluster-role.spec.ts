import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseConfig } from '@tailgate/config';
import { describe, expect, it } from 'vitest';

import { BUNDLED_PLUGINS } from '../bundled-plugins';
import { clusterRoleRules, renderRbacManifest } from './cluster-role';
import { deploymentConfig, K8S_DIR } from './deployment-config';

const config = (plugins: Record<string, object>, podMetadata = { kind: 'none' }) => {
  const parsed = parseConfig({
    plugins,
    podMetadata,
    ...(podMetadata.kind === 'kubernetes' ? { kube: { connection: { mode: 'in-cluster' } } } : {}),
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.config;
};

describe('the gateway ClusterRole', () => {
  it('k8s/rbac.yaml is the one rendered from k8s/tailgate.yaml (regenerate with npm run k8s:rbac)', () => {
    expect(readFileSync(join(K8S_DIR, 'rbac.yaml'), 'utf8')).toBe(renderRbacManifest(deploymentConfig(), BUNDLED_PLUGINS));
  });

  it('grants only what the enabled plugins declare', () => {
    // kube-rbac: its reviews, and the watches that make RBAC changes take effect at once.
    expect(clusterRoleRules(config({ 'kube-rbac': {} }), BUNDLED_PLUGINS)).toEqual([
      { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['list', 'watch'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      {
        apiGroups: ['rbac.authorization.k8s.io'],
        resources: ['clusterrolebindings', 'clusterroles', 'rolebindings', 'roles'],
        verbs: ['list', 'watch'],
      },
    ]);
    expect(clusterRoleRules(config({ 'node-file': {} }), BUNDLED_PLUGINS)).toEqual([]);
  });

  it('merges rules by group and verbs, and adds pod reads for podMetadata: kubernetes', () => {
    const rules = clusterRoleRules(config({ 'kube-pod-logs': {}, 'kube-token': {} }, { kind: 'kubernetes' }), BUNDLED_PLUGINS);
    expect(rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: ['get'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: ['get'] },
    ]);
  });
});
