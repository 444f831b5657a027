// What the signed-in user may read of a source: namespaces and their pods (labels, owning
// workload, containers where known), from `GET <base>/api/v1/sources/<id>/scope`. Parsed here,
// once; the pickers offer only this. Unknown fields are ignored so the gateway may add some.
// Not a test of access: the server decides every subscription again.
import { z } from 'zod';

import { isWorkloadKind, type WorkloadRef } from '../selection/watch-choice';

export interface ScopePod {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly workload?: WorkloadRef;
  readonly containers: readonly string[];
}

export interface ScopeNamespace {
  readonly name: string;
  readonly pods: readonly ScopePod[];
}

export interface SourceScope {
  readonly namespaces: readonly ScopeNamespace[];
  /** The gateway listed only part of what is readable. */
  readonly truncated: boolean;
}

const WorkloadSchema = z.object({ kind: z.string(), name: z.string() });

// The gateway's answer (apps/gateway/src/http/readable-scope-body.ts): namespaces, then pods by namespace and name.
const PodSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  labels: z.record(z.string(), z.string()).optional(),
  workload: WorkloadSchema.optional(),
  containers: z.array(z.string()).optional(),
});

const ScopeSchema = z.object({
  namespaces: z.array(z.string()),
  pods: z.array(PodSchema),
  truncated: z.boolean().optional(),
});

/** Owner kinds as Kubernetes spells them (`Deployment`) or as selectors do (`deployment`). */
function workloadOf(raw: z.infer<typeof WorkloadSchema> | undefined): WorkloadRef | undefined {
  if (!raw) return undefined;
  const kind = raw.kind.toLowerCase();
  return isWorkloadKind(kind) && raw.name !== '' ? { kind, name: raw.name } : undefined;
}

function podOf(raw: z.infer<typeof PodSchema>): ScopePod {
  const workload = workloadOf(raw.workload);
  return { name: raw.name, labels: raw.labels ?? {}, ...(workload && { workload }), containers: raw.containers ?? [] };
}

export type ScopeResult =
  { readonly ok: true; readonly scope: SourceScope } | { readonly ok: false; readonly status: number | 'network' | 'malformed' };

export async function fetchSourceScope(base: string, token: string, source: string, signal?: AbortSignal): Promise<ScopeResult> {
  let response: Response;
  try {
    response = await fetch(`${base}/api/v1/sources/${encodeURIComponent(source)}/scope`, {
      headers: { accept: 'application/json', authorization: `Bearer ${token}` },
      signal,
    });
  } catch {
    return { ok: false, status: 'network' };
  }
  if (!response.ok) return { ok: false, status: response.status };
  const parsed = ScopeSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) return { ok: false, status: 'malformed' };
  return { ok: true, scope: scopeOf(parsed.data) };
}

/** Pods grouped under their namespaces; a namespace may be readable with no pod listed (yet). */
export function scopeOf(body: z.infer<typeof ScopeSchema>): SourceScope {
  const pods = new Map<string, ScopePod[]>(body.namespaces.map((ns) => [ns, []]));
  for (const pod of body.pods) {
    const list = pods.get(pod.namespace) ?? [];
    list.push(podOf(pod));
    pods.set(pod.namespace, list);
  }
  return { namespaces: [...pods].map(([name, list]) => ({ name, pods: list })), truncated: body.truncated === true };
}

/** The distinct workloads of a namespace's pods, sorted by kind then name. */
export function workloadsOf(namespace: ScopeNamespace | undefined): WorkloadRef[] {
  const seen = new Map<string, WorkloadRef>();
  for (const pod of namespace?.pods ?? []) if (pod.workload) seen.set(`${pod.workload.kind}/${pod.workload.name}`, pod.workload);
  return [...seen.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}
