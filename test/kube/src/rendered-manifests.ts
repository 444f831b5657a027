// What `helm template` and `kustomize build` print, parsed once into Kubernetes objects: every
// document must name its apiVersion, kind and metadata.name; empty documents (a template that
// rendered nothing) are dropped, as kubectl drops them.
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

const ManifestSchema = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().min(1).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
});
export type Manifest = z.infer<typeof ManifestSchema>;

const RuleSchema = z.looseObject({
  apiGroups: z.array(z.string()).optional(),
  resources: z.array(z.string()).optional(),
  verbs: z.array(z.string()),
  resourceNames: z.array(z.string()).optional(),
  nonResourceURLs: z.array(z.string()).optional(),
});
export type RenderedRule = z.infer<typeof RuleSchema>;
const RoleSchema = z.looseObject({ rules: z.array(RuleSchema).nullish() });

const BindingSchema = z.looseObject({
  roleRef: z.looseObject({ kind: z.string(), name: z.string() }),
  subjects: z.array(z.looseObject({ kind: z.string(), name: z.string(), namespace: z.string().optional() })).nullish(),
});
export type RenderedBinding = Manifest & z.infer<typeof BindingSchema>;

const ConfigMapSchema = z.looseObject({ data: z.record(z.string(), z.string()).optional() });

/** Parses a multi-document YAML stream; throws with the document's position on a bad one. */
export function parseManifests(text: string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const [index, doc] of parseAllDocuments(text).entries()) {
    if (doc.errors.length > 0) throw new Error(`document ${index}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const parsed = ManifestSchema.safeParse(value);
    if (!parsed.success) throw new Error(`document ${index} is not a Kubernetes object: ${z.prettifyError(parsed.error)}`);
    manifests.push(parsed.data);
  }
  return manifests;
}

export const isRbacRole = (m: Manifest): boolean =>
  m.apiVersion === 'rbac.authorization.k8s.io/v1' && (m.kind === 'ClusterRole' || m.kind === 'Role');

/** The rules of a Role or ClusterRole (an aggregated ClusterRole renders none). */
export function rulesOf(m: Manifest): RenderedRule[] {
  return RoleSchema.parse(m).rules ?? [];
}

export function bindingOf(m: Manifest): RenderedBinding {
  return { ...m, ...BindingSchema.parse(m) };
}

/** `kind/name` of every rule field holding `*`: RBAC that grants everything of a kind. */
export function wildcardsIn(manifests: readonly Manifest[]): string[] {
  const found: string[] = [];
  for (const m of manifests.filter(isRbacRole)) {
    for (const [i, rule] of rulesOf(m).entries()) {
      for (const field of ['apiGroups', 'resources', 'verbs', 'resourceNames', 'nonResourceURLs'] as const) {
        if (rule[field]?.some((v) => v.includes('*'))) found.push(`${m.kind}/${m.metadata.name} rules[${i}].${field}`);
      }
    }
  }
  return found;
}

/** The one object of `kind` whose name satisfies `named`; throws when there is not exactly one. */
export function theOne(manifests: readonly Manifest[], kind: string, named: (name: string) => boolean = () => true): Manifest {
  const found = manifests.filter((m) => m.kind === kind && named(m.metadata.name));
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.map((m) => m.metadata.name).join(', ') || 'none'}`);
  return found[0]!;
}

export function configMapData(m: Manifest): Record<string, string> {
  return ConfigMapSchema.parse(m).data ?? {};
}
