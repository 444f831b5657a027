// RBAC per process role (gateway, agent, worker), from what the enabled plugins declare, and the
// per-plugin rule files the Helm chart assembles its roles from (k8s/helm/tailgate/files/rbac/).
// The chart never holds a hand-written rule: `npm run k8s:rbac` writes these files, and
// component-rbac.spec.ts keeps the files, the chart's values sets and this generator equal.
import { parseConfig, type TailgateConfig } from '@tailgate/config';
import type { Plugin, PolicyRule } from '@tailgate/plugin-sdk';

import { clusterRoleRules, mergeRules, workerClusterRoleRules } from './cluster-role';

export const COMPONENTS = ['gateway', 'agent', 'worker'] as const;
export type Component = (typeof COMPONENTS)[number];

/** The chart's file of the rules the gateway host itself needs for `podMetadata: kubernetes`. */
export const HOST_POD_METADATA_FILE = 'gateway-host-pod-metadata.json';

/**
 * Each component's rules for a configuration, merged. The agent's are always empty: it loads no
 * plugins and never calls the apiserver (apps/agent: files on its node, the bus; its node name
 * comes from the downward API), so its ServiceAccount gets no token and no role.
 */
export function componentRules(config: TailgateConfig, bundled: readonly Plugin<unknown>[]): Record<Component, PolicyRule[]> {
  return {
    gateway: clusterRoleRules(config, bundled),
    agent: [],
    worker: workerClusterRoleRules(config, bundled),
  };
}

/**
 * The chart's rule files by name: `<component>-<pluginId>.json` for each bundled plugin that
 * declares rules for that component (`rbac` → gateway, `jobRbac` → worker), and the host's pod
 * reads. A file holds a JSON array of PolicyRules, merged and sorted, ending in a newline.
 */
export function chartRbacFiles(bundled: readonly Plugin<unknown>[]): Map<string, string> {
  const files = new Map<string, string>();
  const write = (name: string, rules: readonly PolicyRule[], role: string) => {
    if (rules.length > 0) files.set(name, rulesJson(mergeRules(rules, role)));
  };
  for (const plugin of bundled) {
    write(`gateway-${plugin.id}.json`, plugin.rbac ?? [], `gateway (${plugin.id})`);
    write(`worker-${plugin.id}.json`, plugin.jobRbac ?? [], `worker (${plugin.id})`);
  }
  write(HOST_POD_METADATA_FILE, hostPodMetadataRules(bundled), 'gateway (host)');
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A JSON array of rules as prettier prints it: a rule's keys one per line, each list on one line. */
function rulesJson(rules: readonly PolicyRule[]): string {
  const list = (values: readonly string[]) => `[${values.map((value) => JSON.stringify(value)).join(', ')}]`;
  const rule = (r: PolicyRule) =>
    `  {\n${Object.entries(r)
      .map(([key, values]) => `    ${JSON.stringify(key)}: ${list(values as readonly string[])}`)
      .join(',\n')}\n  }`;
  return `[\n${rules.map(rule).join(',\n')}\n]\n`;
}

/** What the host adds for `podMetadata: kubernetes`: the gateway's rules with that and no plugin. */
function hostPodMetadataRules(bundled: readonly Plugin<unknown>[]): PolicyRule[] {
  const parsed = parseConfig({ kube: { connection: { mode: 'in-cluster' } }, podMetadata: { kind: 'kubernetes' } });
  if (!parsed.ok) throw new Error(`host pod metadata config: ${parsed.problems.join('; ')}`);
  return clusterRoleRules(parsed.config, bundled);
}

/**
 * The files the chart's template picks for a component and configuration — a file per enabled
 * plugin (`config.plugins` keys), and the host's for `podMetadata: kubernetes` — as the chart's
 * `tailgate.rbacRules` helper does. Used by the spec to hold the chart to the generator.
 */
export function chartRbacFilesFor(config: TailgateConfig, component: Component, available: ReadonlySet<string>): string[] {
  const names = Object.keys(config.plugins).map((id) => `${component}-${id}.json`);
  if (component === 'gateway' && config.podMetadata.kind === 'kubernetes') names.push(HOST_POD_METADATA_FILE);
  return names.filter((name) => available.has(name));
}

/** A rule set as `group/resource:verb` grants, sorted: equal grants, whatever the rules' grouping. */
export function grantsOf(rules: readonly PolicyRule[]): string[] {
  const grants = new Set<string>();
  for (const rule of rules)
    for (const group of rule.apiGroups)
      for (const resource of rule.resources) for (const verb of rule.verbs) grants.add(`${group}/${resource}:${verb}`);
  return [...grants].sort();
}
