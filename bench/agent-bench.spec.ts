import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { countRecords } from './agent-demand';
import { parseBenchOptions } from './bench-options';
import { rawReadAndSplit } from './scenario-agent';
import { settledMemory } from './settled-memory';

const recordsMessage = (n: number): string =>
  JSON.stringify({
    v: 1,
    t: 'records',
    node: 'bench-node',
    target: { namespace: 'bench-agent', pod: 'pod-000', container: 'app' },
    records: Array.from({ length: n }, (_, i) => ['2026-01-01T00:00:00.000000000Z', 'stdout', `line [${i}], x`, `c${i}`]),
  });

describe('countRecords', () => {
  it('counts the tuples of a records message without parsing it', () => {
    for (const n of [1, 2, 500]) expect(countRecords(recordsMessage(n))).toBe(n);
  });
});

describe('rawReadAndSplit', () => {
  it('counts the lines of a byte range, across read-buffer boundaries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tailgate-bench-spec-'));
    try {
      const path = join(dir, '0.log');
      const line = `${'y'.repeat(999)}\n`;
      writeFileSync(path, `head\n${line.repeat(1_000)}`);
      expect((await rawReadAndSplit(path, 5, 5 + 1_000 * line.length)).lines).toBe(1_000);
      expect((await rawReadAndSplit(path, 5, 5 + 300 * line.length)).lines).toBe(300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('settledMemory', () => {
  it.runIf(process.platform === 'linux')(
    'splits RSS into anonymous and file pages that add up to it, the young generation inside the heap',
    async () => {
      const memory = await settledMemory();
      const MiB = 1024 * 1024;
      expect(memory.rssAnon).toBeGreaterThan(0);
      expect(memory.rssFile).toBeGreaterThan(0);
      // Read a moment apart (the kernel's counters, then /proc/self/status); shared memory is the rest.
      expect(Math.abs(memory.rssAnon + memory.rssFile - memory.rss)).toBeLessThan(4 * MiB);
      expect(memory.youngResident).toBeLessThanOrEqual(memory.heapTotal);
      expect(memory.heapUsed).toBeLessThanOrEqual(memory.heapTotal);
    },
  );
});

describe('parseBenchOptions --agent-flags', () => {
  it('passes agent settings through as name → value and refuses anything else', () => {
    const options = parseBenchOptions(['--scenario', 'AG', '--agent-flags=--max-batch-records=2000 --watch-files=false']);
    expect(options.agentFlags).toEqual({ 'max-batch-records': '2000', 'watch-files': 'false' });
    expect(options.scenarios).toEqual(new Set(['AG']));
    expect(() => parseBenchOptions(['--agent-flags=max-batch-records'])).toThrow(/--agent-flags/);
  });
});
