// Writes k8s/rbac.yaml (`npm run k8s:rbac`): the gateway's ClusterRole and, when enabled plugins'
// jobs need the apiserver, the worker's, from what the plugins enabled in k8s/tailgate.yaml
// declare (`rbac`, `jobRbac`); apps/gateway/src/k8s/cluster-role.spec.ts checks it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { BUNDLED_PLUGINS } from '../apps/gateway/src/bundled-plugins';
import { renderRbacManifest } from '../apps/gateway/src/k8s/cluster-role';
import { deploymentConfig, K8S_DIR } from '../apps/gateway/src/k8s/deployment-config';

writeFileSync(join(K8S_DIR, 'rbac.yaml'), renderRbacManifest(deploymentConfig(), BUNDLED_PLUGINS));
