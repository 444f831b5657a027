// k8s/monitoring (issue 16 item 5): the Prometheus alert rules parse, their PromQL is balanced and
// names only metrics a gateway exports, and so does every query of the Grafana dashboard. The
// registry is built as start-gateway.ts builds it (gateway, audit delivery and job metrics).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PromJobMetrics } from '@tailgate/jobs';
import { Histogram, Summary } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

import { GatewayMetrics } from '../metrics/gateway-metrics';
import { PromAuditMetrics } from '../metrics/prom-audit-metrics';
import { K8S_DIR } from './deployment-config';

/** Every series name a gateway's /metrics can show: histograms and summaries by their suffixed series. */
function exportedSeries(): Set<string> {
  const metrics = new GatewayMetrics();
  new PromAuditMetrics(metrics.registry);
  new PromJobMetrics(metrics.registry);
  const names = new Set<string>();
  for (const metric of metrics.registry.getMetricsAsArray()) {
    const { name } = metric;
    if (metric instanceof Histogram) for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    else if (metric instanceof Summary) for (const suffix of ['', '_sum', '_count']) names.add(`${name}${suffix}`);
    else names.add(name);
  }
  return names;
}

const PROMQL_WORDS = new Set(
  ['sum', 'min', 'max', 'avg', 'count', 'topk', 'bottomk', 'rate', 'irate', 'increase', 'delta', 'histogram_quantile'].concat([
    'by',
    'without',
    'and',
    'or',
    'unless',
    'offset',
    'bool',
    'on',
    'ignoring',
    'group_left',
    'group_right',
    'vector',
    'abs',
    'clamp_min',
  ]),
);

/** A light PromQL check: brackets balance and every bare name is a PromQL word or an exported series. */
function checkPromQL(expr: string, series: ReadonlySet<string>): { problems: string[]; metrics: string[] } {
  const problems: string[] = [];
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  if (withoutStrings.replace(/""/g, '').includes('"')) problems.push('unclosed string');
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const char of withoutStrings) {
    if ('([{'.includes(char)) stack.push(char);
    else if (char in pairs && stack.pop() !== pairs[char]) problems.push(`unbalanced ${char}`);
  }
  if (stack.length > 0) problems.push(`unclosed ${stack.join('')}`);
  // Label matchers, ranges and grouping labels name no metric.
  const bare = withoutStrings
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ')
    .replace(/\b\d+(\.\d+)?[smhdwy]?\b/g, ' ');
  const metrics: string[] = [];
  for (const name of bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []) {
    if (PROMQL_WORDS.has(name)) continue;
    if (series.has(name)) metrics.push(name);
    else problems.push(`${name} is not a metric the gateway exports`);
  }
  if (metrics.length === 0) problems.push('names no metric');
  return { problems, metrics };
}

const RuleFileSchema = z.object({
  apiVersion: z.literal('monitoring.coreos.com/v1'),
  kind: z.literal('PrometheusRule'),
  metadata: z.object({ name: z.string().min(1) }),
  spec: z.object({
    groups: z
      .array(
        z.object({
          name: z.string().min(1),
          rules: z
            .array(
              z.strictObject({
                alert: z.string().regex(/^[A-Z][A-Za-z]+$/),
                expr: z.string().min(1),
                for: z
                  .string()
                  .regex(/^\d+[smh]$/)
                  .optional(),
                labels: z.object({ severity: z.enum(['warning', 'critical']) }),
                annotations: z.object({ summary: z.string().min(1), description: z.string().min(1) }),
              }),
            )
            .min(1),
        }),
      )
      .min(1),
  }),
});

const DashboardSchema = z.object({
  uid: z.string().min(1),
  title: z.string().min(1),
  panels: z.array(
    z.object({
      type: z.string(),
      title: z.string().min(1),
      targets: z.array(z.object({ expr: z.string().min(1), refId: z.string() })).optional(),
    }),
  ),
});

const MONITORING = join(K8S_DIR, 'monitoring');

describe('k8s/monitoring', () => {
  const series = exportedSeries();

  it('knows histograms by their _bucket, _sum and _count series', () => {
    expect(series).toContain('tailgate_access_decisions_total');
    expect(series).toContain('tailgate_nodejs_gc_duration_seconds_bucket');
    expect(series).not.toContain('tailgate_nodejs_gc_duration_seconds');
    expect(checkPromQL('sum(rate(tailgate_nodejs_gc_duration_seconds_count[5m]))', series).problems).toEqual([]);
    expect(checkPromQL('sum(rate(tailgate_nope_total[5m])', series).problems).toEqual([
      'unclosed (',
      'tailgate_nope_total is not a metric the gateway exports',
      'names no metric',
    ]);
  });

  it('has alert rules that parse, with PromQL naming only exported metrics: denied access spikes, audit drops and failures', () => {
    const file = RuleFileSchema.parse(parse(readFileSync(join(MONITORING, 'tailgate-alerts.yaml'), 'utf8')));
    const rules = file.spec.groups.flatMap((group) => group.rules);
    const named = new Set<string>();
    for (const rule of rules) {
      const { problems, metrics } = checkPromQL(rule.expr, series);
      expect(problems, rule.alert).toEqual([]);
      for (const metric of metrics) named.add(metric);
    }
    const denied = rules.find((rule) => rule.alert === 'TailgateDeniedAccessSpike');
    // Above a threshold and above a multiple of its own baseline of the hour before.
    expect(denied?.expr).toMatch(/result="deny"[\s\S]*\[5m\][\s\S]*>\s*[\d.]+[\s\S]*\[1h\] offset 5m/);
    expect([...named]).toEqual(expect.arrayContaining(['tailgate_audit_events_dropped_total', 'tailgate_audit_events_failed_total']));
  });

  it('has a dashboard whose every query names only exported metrics, covering access, authentication, delivery and the audit trail', () => {
    const dashboard = DashboardSchema.parse(JSON.parse(readFileSync(join(MONITORING, 'tailgate-dashboard.json'), 'utf8')));
    const named = new Set<string>();
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        const { problems, metrics } = checkPromQL(target.expr.replaceAll('$__rate_interval', '5m'), series);
        expect(problems, `${panel.title}: ${target.expr}`).toEqual([]);
        for (const metric of metrics) named.add(metric);
      }
    }
    expect([...named]).toEqual(
      expect.arrayContaining([
        'tailgate_access_decisions_total',
        'tailgate_authorizer_decisions_total',
        'tailgate_auth_failures_total',
        'tailgate_authenticator_rejections_total',
        'tailgate_namespace_records_delivered_total',
        'tailgate_namespace_bytes_delivered_total',
        'tailgate_audit_backlog_events',
        'tailgate_audit_events_failed_total',
        'tailgate_audit_events_dropped_total',
        'tailgate_listeners_active',
      ]),
    );
  });
});
