import { describe, expect, it } from 'vitest';

import { clientProcessesFor } from './bench-options';
import { bottleneckOf, type CpuSplit, describeBottleneck } from './bottleneck';
import { mergeTallies } from './fleet-group';
import { HdrHistogram } from './hdr-histogram';

const split = (over: Partial<CpuSplit>): CpuSplit => ({
  server: 50,
  clients: 50,
  busiestClient: 50,
  clientProcesses: 1,
  total: 100,
  machine: 100,
  cores: 2,
  ...over,
});

describe('bottleneckOf', () => {
  it('blames the server once its event loop is full, whatever the clients use', () => {
    expect(bottleneckOf(split({ server: 95, clients: 105, busiestClient: 105, total: 200 }))).toBe('server');
  });

  it('blames a client process whose loop is full while the server has room', () => {
    expect(bottleneckOf(split({ server: 38, clients: 115, busiestClient: 115, total: 155 }))).toBe('client');
  });

  it('blames the cores when every core is busy and no single loop is full', () => {
    expect(bottleneckOf(split({ server: 52, clients: 148, busiestClient: 76, clientProcesses: 2, total: 201, machine: 198 }))).toBe(
      'cores',
    );
  });

  it('blames the cores when other jobs on the machine take what the pipeline does not', () => {
    expect(bottleneckOf(split({ server: 33, clients: 78, busiestClient: 78, total: 111, machine: 190 }))).toBe('cores');
  });

  it('blames nothing when no process and not the machine is saturated', () => {
    expect(bottleneckOf(split({ server: 60, clients: 20, busiestClient: 20, total: 85, machine: 90 }))).toBe('none');
  });

  it('states the split it judged by, other jobs included', () => {
    const text = describeBottleneck(split({ server: 33, clients: 78, busiestClient: 78, total: 111, machine: 190 }));
    expect(text).toBe('cores (server 33%, clients 78%, machine 190% of 200%, other jobs 79%)');
  });
});

describe('clientProcessesFor', () => {
  it('keeps one process for few listeners', () => {
    expect(clientProcessesFor('auto', 50, 2)).toBe(1);
    expect(clientProcessesFor('auto', 199, 8)).toBe(1);
  });

  it('adds a process per 250 listeners up to one per core', () => {
    expect(clientProcessesFor('auto', 1_000, 2)).toBe(2);
    expect(clientProcessesFor('auto', 1_000, 8)).toBe(4);
    expect(clientProcessesFor('auto', 300, 8)).toBe(2);
  });

  it('takes a fixed count as given, but never more processes than listeners', () => {
    expect(clientProcessesFor(3, 1_000, 2)).toBe(3);
    expect(clientProcessesFor(4, 2, 2)).toBe(2);
  });
});

describe('mergeTallies', () => {
  it('puts the counts back in listener order and spans the earliest first to the latest last record', () => {
    const a = new HdrHistogram();
    a.record(2);
    const b = new HdrHistogram();
    b.record(8);
    const merged = mergeTallies([
      { counts: [3, 4], firstAt: 200, lastAt: 900, latency: a.snapshot(), loopDelayP99Ms: 5 },
      { counts: [0], firstAt: 0, lastAt: 0, latency: new HdrHistogram().snapshot(), loopDelayP99Ms: 1 },
      { counts: [5], firstAt: 100, lastAt: 800, latency: b.snapshot(), loopDelayP99Ms: 9 },
    ]);
    expect(merged.counts).toEqual([3, 4, 0, 5]);
    expect(merged.firstAt).toBe(100);
    expect(merged.lastAt).toBe(900);
    expect(merged.loopDelayP99Ms).toBe(9);
    expect(HdrHistogram.fromSnapshot(merged.latency).count).toBe(2);
  });
});
