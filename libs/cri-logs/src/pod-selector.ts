// The `pods` selector: optional namespace, pod and container, each a valid Kubernetes name.
import type { AccessScope, TargetRef } from '@tailgate/plugin-sdk';
import { z } from 'zod';

// DNS-1123 label (namespaces, containers) and subdomain (pod names), as Kubernetes validates them.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const label = (what: string) => z.string().max(63).regex(DNS1123_LABEL, `${what} must be a DNS-1123 label`);
const subdomain = (what: string) => z.string().max(253).regex(DNS1123_SUBDOMAIN, `${what} must be a DNS-1123 subdomain`);

export const PodSelectorSchema = z.strictObject({
  namespace: label('namespace').optional().describe('Only pods in this namespace; every namespace when absent.'),
  pod: subdomain('pod').optional().describe('Only this pod; every pod when absent.'),
  container: label('container').optional().describe('Only this container; every container when absent.'),
});
export type PodSelector = z.output<typeof PodSelectorSchema>;

const ANY = '*';

/** `<namespace>/<pod>/<container>` with `*` for an absent field (never a valid name). */
export function podStreamKey(selector: PodSelector): string {
  return `${selector.namespace ?? ANY}/${selector.pod ?? ANY}/${selector.container ?? ANY}`;
}

export function podScope(selector: PodSelector): AccessScope[] {
  const scope: { namespace?: string; pod?: string; container?: string } = {};
  if (selector.namespace !== undefined) scope.namespace = selector.namespace;
  if (selector.pod !== undefined) scope.pod = selector.pod;
  if (selector.container !== undefined) scope.container = selector.container;
  return [scope];
}

export function selects(selector: PodSelector, target: Partial<TargetRef>): boolean {
  return (
    (selector.namespace === undefined || target.namespace === undefined || selector.namespace === target.namespace) &&
    (selector.pod === undefined || target.pod === undefined || selector.pod === target.pod) &&
    (selector.container === undefined || target.container === undefined || selector.container === target.container)
  );
}
