import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig } from '@tailgate/config';
import { BUNDLED_PLUGINS, renderRbacManifest } from '@tailgate/gateway';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { CliError } from '../cli-error';
import { deploymentConfig, findDeploymentManifest } from './deployment-config';
import { rbacManifest } from './rbac-command';

const REPO = join(__dirname, '../../../..');

describe('tailgate rbac', () => {
  it('prints exactly k8s/rbac.yaml (what npm run k8s:rbac writes) without --config', async () => {
    expect(await rbacManifest({})).toBe(readFileSync(join(REPO, 'k8s', 'rbac.yaml'), 'utf8'));
  });

  it('finds the deployment manifest in the repository', () => {
    expect(findDeploymentManifest()).toBe(join(REPO, 'k8s', 'tailgate.yaml'));
  });

  it('renders a given gateway config as renderRbacManifest does, loaded as the gateway loads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tailgate-rbac-'));
    const file = join(dir, 'tailgate.yaml');
    writeFileSync(
      file,
      [
        'kube: { connection: { mode: in-cluster } }',
        'podMetadata: { kind: kubernetes }',
        'authentication: { authenticators: [kube-token.token-review] }',
        'access: { chain: [kube-rbac.subject-access-review] }',
        'plugins: { kube-token: {}, kube-rbac: {}, kube-pod-logs: {}, flow-tap: {} }',
        '',
      ].join('\n'),
    );
    const loaded = loadConfig({ file, env: {} });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const printed = await rbacManifest({ config: file, namespace: 'logs' });
    expect(printed).toBe(renderRbacManifest(loaded.config, BUNDLED_PLUGINS, 'logs'));
    expect(printed).not.toBe(renderRbacManifest(deploymentConfig(), BUNDLED_PLUGINS, 'logs'));
    const bindings = parseAllDocuments(printed)
      .map((doc) => doc.toJS() as { kind: string; subjects?: { namespace: string }[] })
      .filter((doc) => doc.kind === 'ClusterRoleBinding');
    expect(bindings.flatMap((b) => b.subjects?.map((s) => s.namespace))).toEqual(bindings.map(() => 'logs'));
  });

  it('names the problems of a broken config file, and a bad namespace, as errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tailgate-rbac-'));
    const file = join(dir, 'tailgate.yaml');
    writeFileSync(file, 'podMetadata: { kind: kubernetes }\n');
    await expect(rbacManifest({ config: file })).rejects.toThrow(/podMetadata/);
    await expect(rbacManifest({ config: join(dir, 'missing.yaml') })).rejects.toBeInstanceOf(CliError);
    await expect(rbacManifest({ namespace: 'Not_A_Namespace' })).rejects.toThrow(/--namespace/);
  });
});
