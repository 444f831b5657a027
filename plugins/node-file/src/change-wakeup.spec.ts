import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type LogSource } from '@tailgate/plugin-sdk';
import { collectStream, registerForTest } from '@tailgate/plugin-sdk/testing';
import { describe, expect, it } from 'vitest';
import { type PodSelector } from '@tailgate/cri-logs';
import { CriLogWriter } from '@tailgate/cri-logs/testing';

import { nodeFilePlugin } from './plugin';

// A poll interval far longer than the wait: only a file-change wake-up can deliver in time.
const SLOW_POLL = { pollIntervalMs: 30_000, scanIntervalMs: 20 };

async function streamOf(watchFiles: boolean) {
  const root = await mkdtemp(join(tmpdir(), 'node-file-wakeup-'));
  const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
  const { sources } = await registerForTest(nodeFilePlugin, { root, ...SLOW_POLL, watchFiles });
  const collector = collectStream(sources[0] as LogSource<PodSelector>, { namespace: 'acme' });
  await collector.waitFor((c) => c.events.some((e) => e.type === 'target'));
  return { root, writer, collector };
}

describe('file-change wake-up', () => {
  it('reads a new line as soon as it is written, not at the next poll', async () => {
    const { root, writer, collector } = await streamOf(true);
    for (const n of [1, 2, 3]) {
      await writer.write(`line ${n}`);
      await collector.waitFor((c) => c.records.length === n, 2_000);
    }
    expect(collector.records.map((r) => r.line)).toEqual(['line 1', 'line 2', 'line 3']);
    await collector.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('waits for the poll when watching is off', async () => {
    const { root, writer, collector } = await streamOf(false);
    await writer.write('late');
    await expect(collector.waitFor((c) => c.records.length > 0, 500)).rejects.toThrow(/condition not met/);
    await collector.stop();
    await rm(root, { recursive: true, force: true });
  });
});
