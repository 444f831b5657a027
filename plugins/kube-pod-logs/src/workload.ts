// A workload (deployment, statefulset, daemonset, replicaset, job, cronjob) as the pods it owns:
// its own label selector narrows the pod watch on the server; ownership (the pod's controller,
// through a ReplicaSet for a Deployment and a Job for a CronJob) decides exactly, as Kubetail
// does, so a stray pod that happens to match the labels is not taken for one of the workload's.
import type { KubeTransport } from '@tailgate/kube';
import { ExpiringCache, NotFoundError } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import type { PodObject } from './pod-object';
import type { WorkloadKind } from './pod-logs-selector';

const RESOURCES: Record<WorkloadKind, { readonly path: string; readonly kind: string; readonly via?: WorkloadKind }> = {
  deployment: { path: 'apis/apps/v1', kind: 'Deployment', via: 'replicaset' },
  statefulset: { path: 'apis/apps/v1', kind: 'StatefulSet' },
  daemonset: { path: 'apis/apps/v1', kind: 'DaemonSet' },
  replicaset: { path: 'apis/apps/v1', kind: 'ReplicaSet' },
  job: { path: 'apis/batch/v1', kind: 'Job' },
  cronjob: { path: 'apis/batch/v1', kind: 'CronJob', via: 'job' },
};

const OwnerRefSchema = z.object({ kind: z.string(), name: z.string(), uid: z.string(), controller: z.boolean().optional() });
const SelectorSchema = z.object({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z.array(z.object({ key: z.string(), operator: z.string(), values: z.array(z.string()).optional() })).optional(),
});
const WorkloadObjectSchema = z.object({
  metadata: z.object({ uid: z.string(), ownerReferences: z.array(OwnerRefSchema).default([]) }),
  spec: z.object({ selector: SelectorSchema.optional() }).optional(),
});
type WorkloadObject = z.output<typeof WorkloadObjectSchema>;

export interface ResolvedWorkload {
  /** The workload's own selector as label selector syntax; undefined for a CronJob (its Jobs have their own). */
  readonly labelSelector: string | undefined;
  /** Whether the workload controls this pod (directly or through its ReplicaSet / Job). */
  owns(pod: PodObject): Promise<boolean>;
}

export async function resolveWorkload(
  transport: Pick<KubeTransport, 'json'>,
  namespace: string,
  workload: { readonly kind: WorkloadKind; readonly name: string },
  signal: AbortSignal,
): Promise<ResolvedWorkload> {
  const get = (kind: WorkloadKind, name: string, s: AbortSignal) =>
    transport.json(
      'GET',
      `/${RESOURCES[kind].path}/namespaces/${enc(namespace)}/${kind}s/${enc(name)}`,
      WorkloadObjectSchema,
      undefined,
      s,
    );
  let object: WorkloadObject;
  try {
    object = await get(workload.kind, workload.name, signal);
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError(`no ${workload.kind} ${workload.name} in namespace ${namespace}`);
    throw error;
  }
  const { uid } = object.metadata;
  const via = RESOURCES[workload.kind].via;
  // Intermediate owners (a Deployment's ReplicaSets, a CronJob's Jobs) are looked up once a minute at most.
  const intermediates = new ExpiringCache<string | undefined>(10_000);
  const ownerOf = async (name: string): Promise<string | undefined> => {
    if (via === undefined) return undefined;
    const cached = intermediates.get(name);
    if (cached !== undefined) return cached;
    let owner: string | undefined;
    try {
      owner = controllerOf((await get(via, name, AbortSignal.timeout(10_000))).metadata.ownerReferences)?.uid;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    if (owner !== undefined) intermediates.set(name, owner, Date.now() + 60_000);
    return owner;
  };
  return {
    labelSelector: object.spec?.selector === undefined ? undefined : toLabelSelector(object.spec.selector),
    async owns(pod) {
      const controller = controllerOf(pod.metadata.ownerReferences);
      if (controller === undefined) return false;
      if (controller.uid === uid) return true;
      if (via === undefined || controller.kind !== RESOURCES[via].kind) return false;
      return (await ownerOf(controller.name)) === uid;
    },
  };
}

function controllerOf(refs: readonly z.output<typeof OwnerRefSchema>[]) {
  return refs.find((ref) => ref.controller === true);
}

/** `matchLabels` and `matchExpressions` in the apiserver's label selector syntax. */
export function toLabelSelector(selector: z.output<typeof SelectorSchema>): string | undefined {
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    if (operator === 'In') terms.push(`${key} in (${values.join(',')})`);
    else if (operator === 'NotIn') terms.push(`${key} notin (${values.join(',')})`);
    else if (operator === 'Exists') terms.push(key);
    else if (operator === 'DoesNotExist') terms.push(`!${key}`);
  }
  return terms.length === 0 ? undefined : terms.join(',');
}

function enc(value: string): string {
  return encodeURIComponent(value);
}
