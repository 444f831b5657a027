import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseConfig } from '@tailgate/config';
import { definePlugin, type Plugin } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

import { BUNDLED_PLUGINS } from '../bundled-plugins';
import { clusterRoleRules, renderRbacManifest, workerClusterRoleRules } from './cluster-role';
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

describe('the worker ClusterRole', () => {
  // A plugin whose jobs need the apiserver, beside one whose gateway part does.
  const withJobs = definePlugin({
    id: 'with-jobs',
    description: 'test',
    configSchema: z.strictObject({}),
    rbac: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    jobRbac: [
      { apiGroups: ['logging.banzaicloud.io'], resources: ['outputs'], verbs: ['list', 'create'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: ['logging.banzaicloud.io'], resources: ['flows', 'outputs'], verbs: ['delete'] },
    ],
    register: () => undefined,
  }) as Plugin<unknown>;
  const bundled = [...BUNDLED_PLUGINS, withJobs];
  const kinds = (manifest: string) =>
    parseAllDocuments(manifest).map((doc) => {
      const object = doc.toJS() as { kind: string; metadata: { name: string } };
      return `${object.kind}/${object.metadata.name}`;
    });

  it("grants only what enabled plugins' jobs declare, merged, and none of the gateway's rules", () => {
    expect(workerClusterRoleRules(config({ 'with-jobs': {}, 'kube-rbac': {} }), bundled)).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: ['logging.banzaicloud.io'], resources: ['flows'], verbs: ['delete'] },
      { apiGroups: ['logging.banzaicloud.io'], resources: ['outputs'], verbs: ['create', 'delete', 'list'] },
    ]);
    expect(clusterRoleRules(config({ 'with-jobs': {} }), bundled)).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    expect(workerClusterRoleRules(config({ 'kube-rbac': {} }), bundled)).toEqual([]);
  });

  it('is rendered, bound to the tailgate-worker ServiceAccount, only when some enabled plugin has jobs that need it', () => {
    const manifest = renderRbacManifest(config({ 'with-jobs': {} }), bundled, 'ops');
    expect(kinds(manifest)).toEqual([
      'ClusterRole/tailgate-gateway',
      'ClusterRoleBinding/tailgate-gateway',
      'ClusterRole/tailgate-worker',
      'ClusterRoleBinding/tailgate-worker',
    ]);
    const binding = parseAllDocuments(manifest)[3]?.toJS() as { roleRef: unknown; subjects: unknown };
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'tailgate-worker' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'tailgate-worker', namespace: 'ops' }]);
    expect(kinds(renderRbacManifest(config({ 'kube-rbac': {} }), bundled))).toEqual([
      'ClusterRole/tailgate-gateway',
      'ClusterRoleBinding/tailgate-gateway',
    ]);
  });
});
