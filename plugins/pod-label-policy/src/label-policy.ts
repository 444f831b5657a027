// log-socket's pod-label policy, as a pure function over a pod's labels:
//   1. `rbac/<subject key>: allow|deny` decides when present;
//   2. else `rbac/policy: allow|deny`;
//   3. else deny.
// Values other than exactly `allow` or `deny` are ignored, as if the label were absent.
//
// Subject key: a ServiceAccount `system:serviceaccount:<ns>:<name>` is `<ns>_<name>`, as in
// log-socket. Any other user is its name as it is — but only when that name can be a label's
// name part and holds no `_` (a ServiceAccount's key always has one); otherwise there is no key and
// only `rbac/policy` applies. So distinct identities never share a key: log-socket's own rule
// (drop up to the first `:` twice) gave `alice`, `oidc:alice` and `x:y:alice` one key. Groups
// play no part.

export type LabelVerdict =
  { readonly allowed: true; readonly by: string } | { readonly allowed: false; readonly by: string | undefined; readonly reason: string };

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PREFIX = 'rbac/';
export const POLICY_LABEL = 'rbac/policy';

/** Namespaces are DNS labels and ServiceAccount names DNS subdomains: neither holds a `_` or a `:`. */
const SERVICE_ACCOUNT = /^system:serviceaccount:([a-z0-9]([-a-z0-9]*[a-z0-9])?):([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/;

/** The key that names this user in `rbac/<key>`, or undefined when none may (see above). */
export function subjectKey(user: string): string | undefined {
  const account = SERVICE_ACCOUNT.exec(user);
  const key = account ? `${account[1]}_${account[3]}` : user.includes('_') ? undefined : user;
  return key !== undefined && LABEL_NAME.test(key) ? key : undefined;
}

/** The label that names this user, or undefined when no valid label key can. */
export function subjectLabel(user: string): string | undefined {
  const key = subjectKey(user);
  return key === undefined ? undefined : `${PREFIX}${key}`;
}

export function evaluateLabels(labels: Readonly<Record<string, string>>, user: string): LabelVerdict {
  const specific = subjectLabel(user);
  for (const label of specific ? [specific, POLICY_LABEL] : [POLICY_LABEL]) {
    const value = labels[label];
    if (value === 'allow') return { allowed: true, by: label };
    if (value === 'deny') return { allowed: false, by: label, reason: `pod label ${label} is deny` };
  }
  return { allowed: false, by: undefined, reason: `pod has no ${specific ? `${specific} or ` : ''}${POLICY_LABEL} label allowing it` };
}
