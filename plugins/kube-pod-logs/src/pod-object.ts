// The parts of a Pod the source reads: identity, owners, node, containers of every kind and
// their states. Labels stay here only to select pods; authorizers get theirs from pod metadata.
import { z } from 'zod';

import type { ContainerKind } from './pod-logs-selector';

const ContainerStateSchema = z
  .object({
    running: z.object({ startedAt: z.string().optional() }).optional(),
    terminated: z.object({ exitCode: z.number(), finishedAt: z.string().optional() }).optional(),
    waiting: z.object({ reason: z.string().optional() }).optional(),
  })
  .default({});

const ContainerStatusSchema = z.object({
  name: z.string(),
  containerID: z.string().optional(),
  restartCount: z.number().default(0),
  state: ContainerStateSchema,
});
export type ContainerStatus = z.output<typeof ContainerStatusSchema>;

const named = z.array(z.object({ name: z.string() })).default([]);
const statuses = z.array(ContainerStatusSchema).default([]);

export const PodObjectSchema = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string(),
    uid: z.string(),
    resourceVersion: z.string().optional(),
    labels: z.record(z.string(), z.string()).default({}),
    ownerReferences: z
      .array(z.object({ kind: z.string(), name: z.string(), uid: z.string(), controller: z.boolean().optional() }))
      .default([]),
  }),
  spec: z.object({
    nodeName: z.string().optional(),
    restartPolicy: z.string().optional(),
    containers: named,
    initContainers: named,
    ephemeralContainers: named,
  }),
  status: z
    .object({
      phase: z.string().optional(),
      containerStatuses: statuses,
      initContainerStatuses: statuses,
      ephemeralContainerStatuses: statuses,
    })
    .default({ containerStatuses: [], initContainerStatuses: [], ephemeralContainerStatuses: [] }),
});
export type PodObject = z.output<typeof PodObjectSchema>;

export interface PodContainer {
  readonly name: string;
  readonly kind: ContainerKind;
  readonly status: ContainerStatus | undefined;
}

/** Containers in the apiserver's order: init, regular, ephemeral. */
export function containersOf(pod: PodObject): PodContainer[] {
  const { spec, status } = pod;
  const find = (list: readonly ContainerStatus[], name: string) => list.find((s) => s.name === name);
  return [
    ...spec.initContainers.map((c) => ({ name: c.name, kind: 'init' as const, status: find(status.initContainerStatuses, c.name) })),
    ...spec.containers.map((c) => ({ name: c.name, kind: 'regular' as const, status: find(status.containerStatuses, c.name) })),
    ...spec.ephemeralContainers.map((c) => ({
      name: c.name,
      kind: 'ephemeral' as const,
      status: find(status.ephemeralContainerStatuses, c.name),
    })),
  ];
}

/**
 * True when this container has run and will not run again: the pod is over, or the container
 * terminated and its kind or the restart policy means no new instance comes.
 */
export function containerFinished(pod: PodObject, container: PodContainer): boolean {
  if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') return true;
  const terminated = container.status?.state.terminated;
  if (terminated === undefined) return false;
  if (container.kind === 'ephemeral') return true;
  if (container.kind === 'init') return terminated.exitCode === 0 || pod.spec.restartPolicy === 'Never';
  const policy = pod.spec.restartPolicy ?? 'Always';
  return policy === 'Never' || (policy === 'OnFailure' && terminated.exitCode === 0);
}

/** Changes when the container starts a new instance (or first gets one). */
export function instanceOf(container: PodContainer): string {
  return `${container.status?.containerID ?? ''}#${container.status?.restartCount ?? 0}`;
}
