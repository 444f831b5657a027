// zod schemas for the parts of Pod objects, lists and watch events the metadata cache keeps.
import type { PodMetadata, PodWorkload } from '@tailgate/plugin-sdk';
import { z } from 'zod';

const OwnerReferenceSchema = z.object({ kind: z.string(), name: z.string(), controller: z.boolean().optional() });
const ContainerSchema = z.object({ name: z.string() });

export const PodObjectSchema = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    labels: z.record(z.string(), z.string()).default({}),
    ownerReferences: z.array(OwnerReferenceSchema).optional(),
  }),
  spec: z
    .object({
      nodeName: z.string().optional(),
      initContainers: z.array(ContainerSchema).optional(),
      containers: z.array(ContainerSchema).optional(),
    })
    .default({}),
});
export type PodObject = z.output<typeof PodObjectSchema>;

export function toPodMetadata(pod: PodObject): PodMetadata {
  const { name, namespace, uid, labels } = pod.metadata;
  const workload = workloadOf(pod);
  const containers = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].map((container) => container.name);
  return {
    namespace,
    name,
    labels,
    ...(uid ? { uid } : {}),
    ...(pod.spec.nodeName ? { node: pod.spec.nodeName } : {}),
    ...(workload ? { workload } : {}),
    ...(containers.length > 0 ? { containers } : {}),
  };
}

/**
 * The controlling owner; a ReplicaSet named `<deployment>-<pod-template-hash>` (the hash is in
 * the pod's labels) is reported as its Deployment, as kubectl and stern name it.
 */
export function workloadOf(pod: PodObject): PodWorkload | undefined {
  const owner = pod.metadata.ownerReferences?.find((reference) => reference.controller === true);
  if (!owner) return undefined;
  const hash = pod.metadata.labels['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
    return { kind: 'Deployment', name: owner.name.slice(0, -hash.length - 1) };
  }
  return { kind: owner.kind, name: owner.name };
}
