// The `agent-pod-logs.pods` selector: which containers (namespace, pod, container, optionally one
// node) and what of their lines (one stream, include / exclude patterns, checked for catastrophic
// shapes here, at subscribe). Equal selectors give one stream key, so they share one demand.
import type { AccessScope } from '@tailgate/plugin-sdk';
import { z } from 'zod';

import { type Demand, label, LineFilterSchema, subdomain } from './agent-messages';

export const AgentPodSelectorSchema = z.strictObject({
  namespace: label('namespace').optional().describe('Only pods in this namespace; every namespace when absent.'),
  pod: subdomain('pod').optional().describe('Only this pod; every pod when absent.'),
  container: label('container').optional().describe('Only this container; every container when absent.'),
  node: subdomain('node').optional().describe("Only this node's agent serves it; every agent when absent."),
  ...LineFilterSchema.shape,
});
export type AgentPodSelector = z.output<typeof AgentPodSelectorSchema>;

/** Fields in a fixed order, patterns kept in the order given (order does not change the result, but keys stay simple). */
export function agentPodStreamKey(selector: AgentPodSelector): string {
  const { namespace, pod, container, node, stream, include, exclude } = selector;
  return JSON.stringify([
    namespace ?? null,
    pod ?? null,
    container ?? null,
    node ?? null,
    stream ?? null,
    include ?? null,
    exclude ?? null,
  ]);
}

export function agentPodScope(selector: AgentPodSelector): AccessScope[] {
  const scope: { namespace?: string; pod?: string; container?: string; node?: string } = {};
  if (selector.namespace !== undefined) scope.namespace = selector.namespace;
  if (selector.pod !== undefined) scope.pod = selector.pod;
  if (selector.container !== undefined) scope.container = selector.container;
  if (selector.node !== undefined) scope.node = selector.node;
  return [scope];
}

/** What a demand or backlog request carries of a selector: the node it names, which containers, which lines. */
export function wantedOf(selector: AgentPodSelector): Pick<Demand, 'node' | 'selector' | 'filter'> {
  const { namespace, pod, container, node, stream, include, exclude } = selector;
  return {
    ...(node !== undefined && { node }),
    selector: {
      ...(namespace !== undefined && { namespace }),
      ...(pod !== undefined && { pod }),
      ...(container !== undefined && { container }),
    },
    filter: { ...(stream !== undefined && { stream }), ...(include && { include }), ...(exclude && { exclude }) },
  };
}
