// The logging-operator CRDs our product reads and writes (group logging.banzaicloud.io), written
// by us from the published API (kube-logging/logging-operator pkg/sdk/logging/api/v1beta1):
// v1beta1 is the storage version, v1alpha1 is also served. Scopes follow the operator's CRDs:
// Flow, Output, ClusterFlow and ClusterOutput are all Namespaced (Cluster* live in the
// controlNamespace); Logging is cluster-scoped. Specs are schemaless (preserve unknown fields)
// except for the few fields tests rely on.

export const LOGGING_GROUP = 'logging.banzaicloud.io';

interface KindNames {
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly specRequired: boolean;
}

const KINDS: readonly KindNames[] = [
  { kind: 'Flow', plural: 'flows', singular: 'flow', scope: 'Namespaced', specRequired: false },
  { kind: 'ClusterFlow', plural: 'clusterflows', singular: 'clusterflow', scope: 'Namespaced', specRequired: false },
  { kind: 'Output', plural: 'outputs', singular: 'output', scope: 'Namespaced', specRequired: false },
  { kind: 'ClusterOutput', plural: 'clusteroutputs', singular: 'clusteroutput', scope: 'Namespaced', specRequired: true },
  { kind: 'Logging', plural: 'loggings', singular: 'logging', scope: 'Cluster', specRequired: false },
];

const FLOW_STATUS = {
  type: 'object',
  properties: {
    active: { type: 'boolean' },
    problems: { type: 'array', items: { type: 'string' } },
    problemsCount: { type: 'integer' },
  },
  'x-kubernetes-preserve-unknown-fields': true,
};

function schema(k: KindNames): Record<string, unknown> {
  return {
    openAPIV3Schema: {
      type: 'object',
      ...(k.specRequired ? { required: ['spec'] } : {}),
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { type: 'object' },
        spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        status: FLOW_STATUS,
      },
    },
  };
}

function crd(k: KindNames): Record<string, unknown> {
  const version = (name: string, storage: boolean): Record<string, unknown> => ({
    name,
    served: true,
    storage,
    schema: schema(k),
    subresources: { status: {} },
    additionalPrinterColumns:
      k.kind.endsWith('Flow') || k.kind.endsWith('Output')
        ? [
            { name: 'Active', type: 'boolean', jsonPath: '.status.active' },
            { name: 'Problems', type: 'integer', jsonPath: '.status.problemsCount' },
          ]
        : [],
  });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${k.plural}.${LOGGING_GROUP}` },
    spec: {
      group: LOGGING_GROUP,
      scope: k.scope,
      names: { kind: k.kind, listKind: `${k.kind}List`, plural: k.plural, singular: k.singular, categories: ['logging-all'] },
      versions: [version('v1beta1', true), version('v1alpha1', false)],
    },
  };
}

/** CustomResourceDefinition objects for Flow, ClusterFlow, Output, ClusterOutput and Logging. */
export function loggingOperatorCrds(): Record<string, unknown>[] {
  return KINDS.map(crd);
}

export const LOGGING_CRD_NAMES: readonly string[] = KINDS.map((k) => `${k.plural}.${LOGGING_GROUP}`);
