// The admin ceiling: which namespaces a user or group may ever see. Inside its namespaces it
// allows (other authorizers in an `all` chain still have to agree); outside it denies.
import { type AccessRequest, allow, type Authorizer, conditional, type Decision, deny, type Subject } from '@tailgate/plugin-sdk';

import { allowsEveryNamespace, matchesNamespace } from './namespace-patterns';

export interface AllowlistRule {
  readonly users: readonly string[];
  readonly groups: readonly string[];
  readonly namespaces: readonly string[];
}

function readsNodeLogs(request: AccessRequest): boolean {
  return request.kind === 'target' ? request.target.pod === undefined : request.scope.resource === 'nodes/log';
}

export const NAMESPACE_IN_RULE = 'namespace-allowlist.namespace-in';

export class NamespaceAllowlistAuthorizer implements Authorizer {
  readonly name = 'namespaces';

  constructor(private readonly rules: readonly AllowlistRule[]) {}

  authorize(request: AccessRequest): Decision {
    const patterns = this.patternsFor(request.subject);
    if (readsNodeLogs(request)) {
      // A node's own logs belong to no namespace: only a subject allowed every namespace may read them.
      return allowsEveryNamespace(patterns) ? allow() : deny('node logs are outside the namespace allow-list');
    }
    const namespace = request.kind === 'target' ? request.target.namespace : request.scope.namespace;
    if (namespace !== undefined) {
      return matchesNamespace(patterns, namespace) ? allow() : deny(`namespace ${namespace} is not in the allow-list`);
    }
    if (allowsEveryNamespace(patterns)) return allow();
    if (patterns.length === 0) return deny('no namespace is in the allow-list');
    return conditional({ rule: NAMESPACE_IN_RULE, params: { patterns: [...patterns] } });
  }

  private patternsFor(subject: Subject): string[] {
    const matching = this.rules.filter(
      (rule) => rule.users.includes(subject.user) || rule.groups.some((group) => subject.groups.includes(group)),
    );
    return [...new Set(matching.flatMap((rule) => rule.namespaces))];
  }
}
