// An authorizer for sensitive workloads: only members of the named groups may read the targets
// whose `<namespace>/<pod>` matches a rule's pattern; anyone else is denied them, whatever the rest
// of the chain says. Targets no rule names are not its business (abstain): pair it with an
// authorizer that grants the rest (kube-rbac, namespace-allowlist).
import {
  type AccessRequest,
  abstain,
  allow,
  type Authorizer,
  compilePattern,
  type Decision,
  deny,
  SafePatternSchema,
  type Subject,
  z,
} from '@tailgate/plugin-sdk';

export const RestrictionSchema = z.strictObject({
  targets: SafePatternSchema.describe('A regular expression `<namespace>/<pod>` must match in full, e.g. `payments/.*`.'),
  groups: z.array(z.string().min(1)).min(1).describe('The groups whose members may read those targets.'),
});
export type Restriction = z.output<typeof RestrictionSchema>;

interface CompiledRestriction {
  readonly pattern: RegExp;
  readonly groups: ReadonlySet<string>;
}

export function restrictedTargetsAuthorizer(restrictions: readonly Restriction[]): Authorizer {
  const compiled: CompiledRestriction[] = restrictions.map((r) => ({
    // Anchored: a rule for `payments/api` must not also cover `payments/api-internal`.
    pattern: compilePattern(`^(?:${r.targets})$`),
    groups: new Set(r.groups),
  }));
  return {
    name: 'restricted',
    authorize: (request) => decide(compiled, request),
  };
}

function decide(restrictions: readonly CompiledRestriction[], request: AccessRequest): Decision {
  if (request.action !== 'logs.read') return abstain();
  const named = namedPod(request);
  // A request for a whole namespace (or more) is judged target by target, as each appears.
  if (named === undefined) return abstain();
  const matching = restrictions.filter((r) => r.pattern.test(named));
  if (matching.length === 0) return abstain();
  // Every rule that names the target must admit the subject: rules only ever narrow.
  if (matching.some((r) => !isMember(request.subject, r.groups))) return deny(`${named} is restricted to groups the subject is not in`);
  return allow(`${named}: the subject is in a group it is restricted to`);
}

/** `<namespace>/<pod>` when the request names exactly one pod's logs; undefined otherwise. */
function namedPod(request: AccessRequest): string | undefined {
  if (request.kind === 'target') {
    const { namespace, pod } = request.target;
    return namespace !== undefined && pod !== undefined ? `${namespace}/${pod}` : undefined;
  }
  const { resource, namespace, pod } = request.scope;
  if (resource === 'nodes/log' || namespace === undefined || pod === undefined) return undefined;
  return `${namespace}/${pod}`;
}

function isMember(subject: Subject, groups: ReadonlySet<string>): boolean {
  return subject.groups.some((group) => groups.has(group));
}
