// What a client may ask the pod-logs source for: namespaces, pods by name, pattern, labels,
// fields, node or owning workload, containers by name, pattern and kind, exclusions, and the
// previous instance. Parsed once at subscribe; the output is plain JSON (another replica may
// open the stream from it) and normalised, so equal requests share one stream key.
import { type AccessScope, SafePatternSchema } from '@tailgate/plugin-sdk';
import { z } from 'zod';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const namespaceName = z.string().max(63).regex(DNS_LABEL, 'not a namespace name');
const objectName = z.string().max(253).regex(DNS_SUBDOMAIN, 'not an object name');
const containerName = z.string().max(63).regex(DNS_LABEL, 'not a container name');
const pattern = SafePatternSchema;

/** Label selector syntax (`app=web,tier in (a,b),!canary`); the apiserver parses it in full. */
const labelSelector = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[A-Za-z0-9_./\-=!,() ]+$/, 'not a label selector');

/** Pod fields the apiserver can select on (pkg/registry/core/pod strategy: PodToSelectableFields). */
export const POD_SELECTABLE_FIELDS = [
  'metadata.name',
  'metadata.namespace',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.schedulerName',
  'spec.serviceAccountName',
  'spec.hostNetwork',
  'status.phase',
  'status.podIP',
  'status.nominatedNodeName',
] as const;

const fieldSelector = z
  .string()
  .min(1)
  .max(1024)
  .superRefine((value, ctx) => {
    for (const term of value.split(',')) {
      const match = /^([a-zA-Z.]+)(==|!=|=)([A-Za-z0-9_.\-:]*)$/.exec(term.trim());
      if (match === null || !(POD_SELECTABLE_FIELDS as readonly string[]).includes(match[1] as string)) {
        ctx.addIssue({ code: 'custom', message: `field selector terms are <field>=<value> over ${POD_SELECTABLE_FIELDS.join(', ')}` });
        return;
      }
    }
  });

export const WORKLOAD_KINDS = ['deployment', 'statefulset', 'daemonset', 'replicaset', 'job', 'cronjob'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export const CONTAINER_KINDS = ['init', 'regular', 'ephemeral'] as const;
export type ContainerKind = (typeof CONTAINER_KINDS)[number];

const sortedUnique = <T extends string>(values: readonly T[] | undefined): T[] | undefined =>
  values === undefined || values.length === 0 ? undefined : [...new Set(values)].sort();

export const PodLogsSelectorSchema = z
  .strictObject({
    namespaces: z.array(namespaceName).max(50).optional().describe('Namespaces to read; none: every namespace.'),
    pods: z.array(objectName).max(100).optional().describe('Exact pod names.'),
    podPattern: pattern.optional().describe('Regular expression a pod name must match (like stern).'),
    labelSelector: labelSelector.optional().describe('Kubernetes label selector.'),
    fieldSelector: fieldSelector.optional().describe('Kubernetes field selector over pod fields.'),
    node: objectName.optional().describe('Only pods on this node.'),
    workload: z
      .strictObject({ kind: z.enum(WORKLOAD_KINDS), name: objectName })
      .optional()
      .describe('The pods of a workload; needs exactly one namespace.'),
    containers: z.array(containerName).max(50).optional().describe('Exact container names.'),
    containerPattern: pattern.optional().describe('Regular expression a container name must match.'),
    excludePods: z.array(pattern).max(20).optional().describe('Pod names matching any of these are left out.'),
    excludeContainers: z.array(pattern).max(20).optional().describe('Container names matching any of these are left out.'),
    containerKinds: z
      .array(z.enum(CONTAINER_KINDS))
      .min(1)
      .optional()
      .describe('Which containers: init, regular, ephemeral (default all three, as stern).'),
    previous: z.boolean().optional().describe('The previous (terminated) instance of each container; the stream ends after it.'),
    limitBytes: z
      .number()
      .int()
      .min(1)
      .max(1 << 30)
      .optional()
      .describe('At most this many bytes of log per container, then its target ends.'),
  })
  .superRefine((selector, ctx) => {
    if (selector.workload !== undefined && selector.namespaces?.length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['workload'], message: 'a workload needs exactly one namespace' });
    }
  })
  .transform((selector) => {
    const normalised = {
      namespaces: sortedUnique(selector.namespaces),
      pods: sortedUnique(selector.pods),
      podPattern: selector.podPattern,
      labelSelector: selector.labelSelector,
      fieldSelector: selector.fieldSelector,
      node: selector.node,
      workload: selector.workload,
      containers: sortedUnique(selector.containers),
      containerPattern: selector.containerPattern,
      excludePods: sortedUnique(selector.excludePods),
      excludeContainers: sortedUnique(selector.excludeContainers),
      containerKinds: sortedUnique(selector.containerKinds) ?? [...CONTAINER_KINDS].sort(),
      previous: selector.previous === true ? true : undefined,
      limitBytes: selector.limitBytes,
    };
    // Drop unset keys so the JSON (and the stream key) has one spelling per request.
    return Object.fromEntries(Object.entries(normalised).filter(([, v]) => v !== undefined)) as unknown as PodLogsSelector;
  });

export interface PodLogsSelector {
  readonly namespaces?: readonly string[];
  readonly pods?: readonly string[];
  readonly podPattern?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly node?: string;
  readonly workload?: { readonly kind: WorkloadKind; readonly name: string };
  readonly containers?: readonly string[];
  readonly containerPattern?: string;
  readonly excludePods?: readonly string[];
  readonly excludeContainers?: readonly string[];
  readonly containerKinds: readonly ContainerKind[];
  readonly previous?: true;
  readonly limitBytes?: number;
}

export function podLogsStreamKey(selector: PodLogsSelector): string {
  return JSON.stringify(selector);
}

/** One scope per namespace (or one over all namespaces), as narrow as the selector says. */
export function podLogsScope(selector: PodLogsSelector): AccessScope[] {
  const pod = selector.pods?.length === 1 ? selector.pods[0] : undefined;
  const container = selector.containers?.length === 1 ? selector.containers[0] : undefined;
  const narrowing = {
    resource: 'pods/log' as const,
    ...(pod === undefined ? {} : { pod }),
    ...(container === undefined ? {} : { container }),
    ...(selector.node === undefined ? {} : { node: selector.node }),
    ...(selector.labelSelector === undefined ? {} : { labelSelector: selector.labelSelector }),
  };
  if (selector.namespaces === undefined) return [narrowing];
  return selector.namespaces.map((namespace) => ({ namespace, ...narrowing }));
}
