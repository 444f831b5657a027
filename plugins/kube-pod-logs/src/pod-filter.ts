// Which pods and containers a selector covers: the server narrows the pod list/watch (namespace,
// label and field selectors, node, a single name); names, patterns, exclusions, container kinds
// and workload ownership are checked here.
import type { KubeTransport } from '@tailgate/kube';
import { compilePattern, type TargetRef } from '@tailgate/plugin-sdk';

import { containersOf, type PodContainer, type PodObject } from './pod-object';
import type { PodLogsSelector } from './pod-logs-selector';
import { type ResolvedWorkload, resolveWorkload } from './workload';

export interface PodQuery {
  /** Collection path: one namespace's pods, or all pods. */
  readonly path: string;
  /** Undefined: all namespaces. */
  readonly namespace?: string;
  readonly params: Readonly<Record<string, string>>;
  readonly what: string;
}

export class PodFilter {
  private readonly podPattern: RegExp | undefined;
  private readonly containerPattern: RegExp | undefined;
  private readonly excludePods: readonly RegExp[];
  private readonly excludeContainers: readonly RegExp[];

  private constructor(
    private readonly selector: PodLogsSelector,
    private readonly workload: ResolvedWorkload | undefined,
  ) {
    this.podPattern = selector.podPattern === undefined ? undefined : compilePattern(selector.podPattern);
    this.containerPattern = selector.containerPattern === undefined ? undefined : compilePattern(selector.containerPattern);
    this.excludePods = (selector.excludePods ?? []).map(compilePattern);
    this.excludeContainers = (selector.excludeContainers ?? []).map(compilePattern);
  }

  /** Resolves the workload, if any (a missing one is `not_found`). */
  static async create(selector: PodLogsSelector, transport: Pick<KubeTransport, 'json'>, signal: AbortSignal): Promise<PodFilter> {
    const namespace = selector.namespaces?.[0];
    const workload =
      selector.workload === undefined || namespace === undefined
        ? undefined
        : await resolveWorkload(transport, namespace, selector.workload, signal);
    return new PodFilter(selector, workload);
  }

  /** The list/watch requests: one per namespace, or one over all namespaces. */
  queries(): PodQuery[] {
    const labels = [this.selector.labelSelector, this.workload?.labelSelector].filter((s) => s !== undefined);
    const fields = [this.selector.fieldSelector];
    if (this.selector.node !== undefined) fields.push(`spec.nodeName=${this.selector.node}`);
    if (this.selector.pods?.length === 1) fields.push(`metadata.name=${this.selector.pods[0]}`);
    const params: Record<string, string> = {};
    if (labels.length > 0) params.labelSelector = labels.join(',');
    const fieldSelector = fields.filter((f) => f !== undefined).join(',');
    if (fieldSelector !== '') params.fieldSelector = fieldSelector;
    const namespaces = this.selector.namespaces;
    if (namespaces === undefined) return [{ path: '/api/v1/pods', params, what: 'pods in all namespaces' }];
    return namespaces.map((ns) => ({
      path: `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`,
      namespace: ns,
      params,
      what: `pods in ${ns}`,
    }));
  }

  /** Whether the pod is selected (names, patterns, exclusions, workload ownership). */
  async selects(pod: PodObject): Promise<boolean> {
    const name = pod.metadata.name;
    if (this.selector.pods !== undefined && !this.selector.pods.includes(name)) return false;
    if (this.podPattern !== undefined && !this.podPattern.test(name)) return false;
    if (this.excludePods.some((pattern) => pattern.test(name))) return false;
    return this.workload === undefined || (await this.workload.owns(pod));
  }

  /** The pod's selected containers, in the apiserver's order. */
  containers(pod: PodObject): PodContainer[] {
    return containersOf(pod).filter(
      (c) =>
        this.selector.containerKinds.includes(c.kind) &&
        (this.selector.containers === undefined || this.selector.containers.includes(c.name)) &&
        (this.containerPattern === undefined || this.containerPattern.test(c.name)) &&
        !this.excludeContainers.some((pattern) => pattern.test(c.name)),
    );
  }
}

export function targetOf(pod: PodObject, container: string): TargetRef {
  const { namespace, name } = pod.metadata;
  const node = pod.spec.nodeName;
  return node === undefined ? { namespace, pod: name, container } : { namespace, pod: name, container, node };
}
