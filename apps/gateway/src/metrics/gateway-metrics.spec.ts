import type { WireRecord } from '@tailgate/contracts';
import { describe, expect, it } from 'vitest';

import { recordBytes } from '../streams/batch-bytes';
import { countDelivered, tallyByNamespace } from '../streams/delivered-tally';
import { GatewayMetrics } from './gateway-metrics';

const record = (ns: string, line: string): WireRecord => ({
  ts: '2026-05-01T10:00:00Z',
  ns,
  pod: 'p',
  container: 'c',
  stream: 'stdout',
  line,
  cursor: '1',
});

async function value(metrics: GatewayMetrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

describe('records and bytes delivered per namespace', () => {
  it('tallies a batch once per namespace, runs and stragglers alike', () => {
    const batch = [record('a', 'one'), record('a', 'two'), record('b', 'three'), record('a', 'four')];
    expect(tallyByNamespace(batch)).toEqual([
      { namespace: 'a', records: 3, bytes: recordBytes(batch[0]!) + recordBytes(batch[1]!) + recordBytes(batch[3]!) },
      { namespace: 'b', records: 1, bytes: recordBytes(batch[2]!) },
    ]);
  });

  it('counts a batch sent to several clients once per copy, with the total records', async () => {
    const metrics = new GatewayMetrics();
    const batch = [record('a', 'one'), record('b', 'two')];
    countDelivered(metrics, batch, 3);
    countDelivered(metrics, [record('a', 'x')]);
    expect(await value(metrics, 'tailgate_records_delivered_total')).toBe(7);
    expect(await value(metrics, 'tailgate_namespace_records_delivered_total', { namespace: 'a' })).toBe(4);
    expect(await value(metrics, 'tailgate_namespace_records_delivered_total', { namespace: 'b' })).toBe(3);
    expect(await value(metrics, 'tailgate_namespace_bytes_delivered_total', { namespace: 'b' })).toBe(3 * recordBytes(batch[1]!));
  });
});

describe('tailgate_plugin_info', () => {
  it("names a third-party plugin's package and version, and the gateway's own for a bundled one", async () => {
    const metrics = new GatewayMetrics();
    metrics.describePlugins([
      { id: 'static-tokens', sdkVersion: '0.1.0' },
      { id: 'example', sdkVersion: '0.1.2', package: { name: 'tailgate-plugin-example', version: '3.0.0' } },
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('tailgate_plugin_info{plugin="static-tokens",package="@tailgate/gateway",version="0.1.0",sdk="0.1.0"} 1');
    expect(text).toContain('tailgate_plugin_info{plugin="example",package="tailgate-plugin-example",version="3.0.0",sdk="0.1.2"} 1');
    expect(await value(metrics, 'tailgate_plugin_info', { plugin: 'nosuch' })).toBeUndefined();
  });
});
