// zod schemas for the parts of Pod objects, lists and watch events the metadata cache keeps.
import type { PodMetadata } from '@tailgate/plugin-sdk';
import { z } from 'zod';

export const PodObjectSchema = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    labels: z.record(z.string(), z.string()).default({}),
  }),
  spec: z.object({ nodeName: z.string().optional() }).default({}),
});
export type PodObject = z.output<typeof PodObjectSchema>;

export function toPodMetadata(pod: PodObject): PodMetadata {
  const { name, namespace, uid, labels } = pod.metadata;
  return { namespace, name, labels, ...(uid ? { uid } : {}), ...(pod.spec.nodeName ? { node: pod.spec.nodeName } : {}) };
}
