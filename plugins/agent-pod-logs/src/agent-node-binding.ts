// An agent speaks only for its own node. The gateway takes an agent's announcements and records
// for a pod only when the agent's node has registered (the directory heard it lately) and the
// apiserver's pod object (the pod metadata service, never the agent's message) binds that pod to
// that node. Everything else is refused with a reason, counted, and logged by code only.
import type { PluginCounter, PluginMetrics, PodMetadata, PodMetadataService } from '@tailgate/plugin-sdk';

import type { ContainerTarget } from './agent-messages';

/** Why a message was not taken from an agent. */
export type AgentRefusalReason =
  /** No agent of the node the message names has registered on the agents channel lately. */
  | 'unregistered_node'
  /** The pod metadata service knows no such pod. */
  | 'unknown_pod'
  /** The pod exists but is not bound to a node yet (no `spec.nodeName`). */
  | 'unbound_pod'
  /** The pod is bound to another node. */
  | 'wrong_node'
  /** The pod metadata service could not answer (not listed yet, apiserver away). */
  | 'pod_metadata_unavailable';

export type BindingVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: AgentRefusalReason };

const ACCEPTED: BindingVerdict = { ok: true };
const refused = (reason: AgentRefusalReason): BindingVerdict => ({ ok: false, reason });

/** The rule, pure: may the agent of `node` (registered or not) speak for `pod` as the apiserver has it? */
export function bindingVerdict(node: string, registered: boolean, pod: PodMetadata | undefined): BindingVerdict {
  if (!registered) return refused('unregistered_node');
  if (pod === undefined) return refused('unknown_pod');
  if (pod.node === undefined) return refused('unbound_pod');
  return pod.node === node ? ACCEPTED : refused('wrong_node');
}

export const RECORDS_REFUSED_METRIC = 'tailgate_agent_records_refused_total';

/** Looks the binding up and counts what it refuses. */
export class AgentNodeBinding {
  private readonly refusedRecords: PluginCounter<'reason'>;

  constructor(
    private readonly pods: PodMetadataService,
    private readonly registered: (node: string) => boolean,
    metrics: PluginMetrics,
  ) {
    this.refusedRecords = metrics.counter({
      name: RECORDS_REFUSED_METRIC,
      help: "Records from agents the gateway refused, by reason: unregistered_node, unknown_pod, unbound_pod, wrong_node (the apiserver binds the pod to another node), pod_metadata_unavailable. The agent's own message never decides a pod's node.",
      labelNames: ['reason'],
    });
  }

  async check(node: string, target: ContainerTarget): Promise<BindingVerdict> {
    const registered = this.registered(node);
    if (!registered) return refused('unregistered_node');
    let pod: PodMetadata | undefined;
    try {
      pod = await this.pods.get(target.namespace, target.pod);
    } catch {
      return refused('pod_metadata_unavailable');
    }
    return bindingVerdict(node, registered, pod);
  }

  /** Counts `records` refused for `reason` (an announcement without records counts nothing). */
  count(reason: AgentRefusalReason, records: number): void {
    if (records > 0) this.refusedRecords.inc({ reason }, records);
  }
}
