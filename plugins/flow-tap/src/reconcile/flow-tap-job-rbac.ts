// What the reconcile job asks of the apiserver, and nothing more (logging-objects.ts makes every
// call): our Outputs listed in all namespaces and our ClusterOutputs in the control namespace,
// created and deleted; Flows and ClusterFlows read and patched (JSON Patch: never update); tap
// Secrets created and deleted — never get, list or watch: the worker reads no Secret.
// test/kube/flow-tap-reconcile.test.ts runs the job with only these rules and checks that each
// one is needed.
import type { PolicyRule } from '@tailgate/plugin-sdk';

export const FLOW_TAP_JOB_RBAC: readonly PolicyRule[] = [
  { apiGroups: ['logging.banzaicloud.io'], resources: ['outputs', 'clusteroutputs'], verbs: ['list', 'create', 'delete'] },
  { apiGroups: ['logging.banzaicloud.io'], resources: ['flows', 'clusterflows'], verbs: ['get', 'patch'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['create', 'delete'] },
];
