// The Helm chart's RBAC is generated, never hand-written: its rule files are what the bundled
// plugins declare, and for every documented values set the files the chart's template picks grant
// exactly what the generator gives each component — no wildcard, no Secret read, nothing for the
// agent. (The rendered chart itself is checked with helm on the real apiserver.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { PolicyRule } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { BUNDLED_PLUGINS } from '../bundled-plugins';
import { CHART_DIR, chartConfig, chartValues, chartValuesSets, mergeValues } from './chart-values';
import { chartRbacFiles, chartRbacFilesFor, type Component, componentRules, grantsOf, HOST_POD_METADATA_FILE } from './component-rbac';
import { deploymentConfig, K8S_DIR } from './deployment-config';

const RBAC_DIR = join(CHART_DIR, 'files', 'rbac');
const committed = new Map(
  readdirSync(RBAC_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => [name, readFileSync(join(RBAC_DIR, name), 'utf8')]),
);
const rulesIn = (name: string) => JSON.parse(committed.get(name) ?? '[]') as PolicyRule[];

/** What the chart's `tailgate.rbacRules` helper gives a component for a values set. */
function chartRules(set: string | undefined, component: Component): PolicyRule[] {
  const values = chartValues(set);
  const files = chartRbacFilesFor(chartConfig(values), component, new Set(committed.keys()));
  const extra = (values.rbac as { extraRules: Record<string, PolicyRule[]> }).extraRules[component] ?? [];
  return [...files.flatMap(rulesIn), ...extra];
}

const enabled = (set: string | undefined, component: Component) =>
  component === 'gateway' || (chartValues(set)[component] as { enabled: boolean }).enabled;

/** Every string of every rule: where a wildcard would hide. */
const ruleStrings = (rules: readonly PolicyRule[]) =>
  rules.flatMap((rule) => [...rule.apiGroups, ...rule.resources, ...rule.verbs, ...(rule.resourceNames ?? [])]);

describe('the chart RBAC files (k8s/helm/tailgate/files/rbac)', () => {
  it('are exactly what the bundled plugins declare (regenerate with npm run k8s:rbac)', () => {
    const generated = chartRbacFiles(BUNDLED_PLUGINS);
    expect([...committed.keys()].sort()).toEqual([...generated.keys()]);
    for (const [name, text] of generated) expect(committed.get(name), name).toBe(text);
    expect(generated.has(HOST_POD_METADATA_FILE)).toBe(true);
  });

  it.each([undefined, ...chartValuesSets()])('give each component of values set %s exactly the generator rules', (set) => {
    const generated = componentRules(chartConfig(chartValues(set)), BUNDLED_PLUGINS);
    for (const component of ['gateway', 'worker'] as const) {
      if (!enabled(set, component)) continue;
      expect(grantsOf(chartRules(set, component)), component).toEqual(grantsOf(generated[component]));
    }
    expect(generated.agent).toEqual([]);
  });

  it('grant the gateway of the embedded set what k8s/rbac.yaml grants, and its config is k8s/tailgate.yaml', () => {
    expect(chartConfig(chartValues('embedded'))).toEqual(deploymentConfig());
    const shipped = parseAllDocuments(readFileSync(join(K8S_DIR, 'rbac.yaml'), 'utf8'))
      .map((doc) => doc.toJS() as { kind: string; rules?: PolicyRule[] })
      .filter((doc) => doc.kind === 'ClusterRole');
    expect(grantsOf(chartRules('embedded', 'gateway'))).toEqual(grantsOf(shipped[0]?.rules ?? []));
  });

  it('hold no wildcard, and no role of any set reads Secrets', () => {
    const everyRule = [...committed.keys()].flatMap(rulesIn);
    expect(everyRule.length).toBeGreaterThan(0);
    for (const text of [...committed.values(), readFileSync(join(K8S_DIR, 'rbac.yaml'), 'utf8')]) expect(text).not.toContain('*');
    expect(ruleStrings(everyRule).filter((value) => value.includes('*'))).toEqual([]);
    for (const set of chartValuesSets()) {
      for (const component of ['gateway', 'worker'] as const) {
        const secretGrants = grantsOf(chartRules(set, component)).filter((grant) => grant.startsWith('/secrets:'));
        expect(
          secretGrants.filter((grant) => !['/secrets:create', '/secrets:delete'].includes(grant)),
          `${set} ${component}`,
        ).toEqual([]);
      }
    }
  });

  it('give the worker only what enabled plugins jobs need: none without flow-tap', () => {
    const withTap = componentRules(chartConfig(chartValues('ha')), BUNDLED_PLUGINS);
    expect(grantsOf(withTap.worker)).toContain('logging.banzaicloud.io/outputs:create');
    expect(grantsOf(withTap.gateway)).not.toContain('logging.banzaicloud.io/outputs:create');
    const values = mergeValues(chartValues('ha'), { config: { plugins: { 'flow-tap': null } } });
    expect(componentRules(chartConfig(values), BUNDLED_PLUGINS).worker).toEqual([]);
  });

  it('never grant the agent anything: its ServiceAccount gets no token, and the chart binds it no role', () => {
    const serviceAccounts = readFileSync(join(CHART_DIR, 'templates', 'serviceaccounts.yaml'), 'utf8');
    expect(serviceAccounts).toContain('automountServiceAccountToken: {{ ne $component "agent" }}');
    const rbacTemplate = readFileSync(join(CHART_DIR, 'templates', 'rbac.yaml'), 'utf8');
    expect(rbacTemplate).toContain('range $component := list "gateway" "worker"');
    expect(readFileSync(join(CHART_DIR, 'templates', 'agent.yaml'), 'utf8')).toContain('automountServiceAccountToken: false');
  });
});

describe('chart values', () => {
  it('merge as Helm merges values files: maps by key, lists replaced, null deletes', () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: null })).toEqual({ a: { b: 1, c: [3] } });
  });

  it('the alert rules the chart carries are k8s/monitoring/tailgate-alerts.yaml (cp it after editing)', () => {
    expect(readFileSync(join(CHART_DIR, 'files', 'monitoring', 'tailgate-alerts.yaml'), 'utf8')).toBe(
      readFileSync(join(K8S_DIR, 'monitoring', 'tailgate-alerts.yaml'), 'utf8'),
    );
  });
});
