// Writes the generated RBAC (`npm run k8s:rbac`) from what the bundled plugins declare (`rbac`,
// `jobRbac`): k8s/rbac.yaml for the plain manifests in k8s/tailgate.yaml, and the Helm chart's
// per-plugin rule files k8s/helm/tailgate/files/rbac/<component>-<plugin>.json, from which the
// chart assembles each component's ClusterRole for the plugins its values enable. The library is
// apps/gateway/src/k8s/ (cluster-role.ts, component-rbac.ts); its specs keep every file current.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { BUNDLED_PLUGINS } from '../apps/gateway/src/bundled-plugins';
import { renderRbacManifest } from '../apps/gateway/src/k8s/cluster-role';
import { chartRbacFiles } from '../apps/gateway/src/k8s/component-rbac';
import { deploymentConfig, K8S_DIR } from '../apps/gateway/src/k8s/deployment-config';

writeFileSync(join(K8S_DIR, 'rbac.yaml'), renderRbacManifest(deploymentConfig(), BUNDLED_PLUGINS));

const chartRbacDir = join(K8S_DIR, 'helm', 'tailgate', 'files', 'rbac');
mkdirSync(chartRbacDir, { recursive: true });
const files = chartRbacFiles(BUNDLED_PLUGINS);
// A plugin that no longer declares rules (or is no longer bundled) leaves no file behind.
for (const name of readdirSync(chartRbacDir)) if (name.endsWith('.json') && !files.has(name)) rmSync(join(chartRbacDir, name));
for (const [name, text] of files) writeFileSync(join(chartRbacDir, name), text);
