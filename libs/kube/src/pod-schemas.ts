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

export const PodListSchema = z.object({
  metadata: z.object({ resourceVersion: z.string(), continue: z.string().optional() }),
  items: z.array(PodObjectSchema),
});

export const WatchEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['ADDED', 'MODIFIED', 'DELETED']), object: PodObjectSchema }),
  z.object({ type: z.literal('BOOKMARK'), object: z.object({ metadata: z.object({ resourceVersion: z.string() }) }) }),
  z.object({ type: z.literal('ERROR'), object: z.object({ code: z.number().optional(), reason: z.string().optional() }) }),
]);
export type WatchEvent = z.output<typeof WatchEventSchema>;

export function toPodMetadata(pod: PodObject): PodMetadata {
  const { name, namespace, uid, labels } = pod.metadata;
  return { namespace, name, labels, ...(uid ? { uid } : {}), ...(pod.spec.nodeName ? { node: pod.spec.nodeName } : {}) };
}
