// log-socket's pod-label policy, as a pure function over a pod's labels:
//   1. `rbac/<subject key>: allow|deny` decides when present;
//   2. else `rbac/policy: allow|deny`;
//   3. else deny.
// Values other than exactly `allow` or `deny` are ignored, as if the label were absent.
//
// Subject key: log-socket drops everything up to and including the first `:`, twice, then
// turns the remaining `:` into `_` — `system:serviceaccount:acme:alice` → `acme_alice`,
// `alice` → `alice`, `system:admin` → `admin`. Groups play no part. When the key cannot be the
// name part of a label key (over 63 characters, or characters such as `@` or `/`), no pod can
// carry a label for that subject, so only `rbac/policy` applies to them.

export type LabelVerdict =
  { readonly allowed: true; readonly by: string } | { readonly allowed: false; readonly by: string | undefined; readonly reason: string };

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PREFIX = 'rbac/';
export const POLICY_LABEL = 'rbac/policy';

export function subjectKey(user: string): string {
  let key = user;
  for (let i = 0; i < 2; i++) {
    const colon = key.indexOf(':');
    if (colon >= 0) key = key.slice(colon + 1);
  }
  return key.replaceAll(':', '_');
}

/** The label that names this user, or undefined when no valid label key can. */
export function subjectLabel(user: string): string | undefined {
  const key = subjectKey(user);
  return LABEL_NAME.test(key) ? `${PREFIX}${key}` : undefined;
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
