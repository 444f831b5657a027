import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AgentTail, type AgentTailEvent } from '@tailgate/cri-logs';
import { CriLogWriter } from '@tailgate/cri-logs/testing';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AgentMetrics } from './agent-metrics';
import { POSITIONS_FILE, PositionStore } from './position-store';
import { TailPump } from './tail-pump';

describe('TailPump', () => {
  let root: string;
  let tail: AgentTail;
  let pump: TailPump | undefined;
  /** The sink's `settled` calls still waiting, released by the test; at the end, all of them at once. */
  let waiting: (() => void)[] = [];
  let releaseAll = false;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'tail-pump-'));
    waiting = [];
    releaseAll = false;
    tail = new AgentTail({ readChunkBytes: 64 * 1024, maxLineBytes: 4096, maxBatchRecords: 100, pollIntervalMs: 20, watchFiles: true });
  });

  afterEach(async () => {
    // A save still waiting for the sink (and stop's own) must not hold the teardown.
    releaseAll = true;
    for (const release of waiting.splice(0)) release();
    await pump?.stop();
    await tail.close();
    await rm(root, { recursive: true, force: true });
  });

  it('keeps reading and delivering while a save waits for the sink to settle, and saves once it has', async () => {
    const writer = new CriLogWriter(join(root, 'pods'), { namespace: 'acme', pod: 'web-0', container: 'app' });
    const positions = (await PositionStore.open(join(root, 'state'))).store;
    const lines: string[] = [];
    let heard: (() => void) | undefined;
    const sink = (events: readonly AgentTailEvent[]): void => {
      for (const event of events) if (event.type === 'records') lines.push(...event.records.map((record) => record.line));
      heard?.();
    };
    const until = async (count: number): Promise<void> => {
      while (lines.length < count) await new Promise<void>((resolve) => (heard = resolve));
    };
    let settling = 0;
    let saveAsked: (() => void) | undefined;
    const sinkSettled = (): Promise<void> => {
      settling++;
      saveAsked?.();
      return releaseAll ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve));
    };
    const untilSaves = async (count: number): Promise<void> => {
      while (settling < count) await new Promise<void>((resolve) => (saveAsked = resolve));
    };
    const logger = pino({ level: 'silent' });
    // Every step is past the interval: the first step after a delivery starts a save.
    pump = new TailPump(tail, positions, sink, new AgentMetrics(), logger, 0, undefined, sinkSettled);
    tail.start({ target: writer.target, path: writer.containerDirectory }, 'beginning');
    pump.start();

    await writer.write('one');
    await until(1);
    await untilSaves(1);
    // The save waits for the sink; lines written meanwhile are read and delivered all the same.
    await writer.write('two');
    await writer.write('three');
    await until(3);
    expect(settling).toBe(1);
    expect(await readFile(join(root, 'state', POSITIONS_FILE), 'utf8')).not.toContain(writer.containerDirectory);

    for (const release of waiting.splice(0)) release();
    const stopping = pump.stop();
    // stop waits for the save in flight, then saves once more (its own wait is released here).
    await untilSaves(2);
    for (const release of waiting.splice(0)) release();
    await stopping;
    pump = undefined;
    expect(lines).toEqual(['one', 'two', 'three']);
    const saved = JSON.parse(await readFile(join(root, 'state', POSITIONS_FILE), 'utf8')) as unknown;
    expect(JSON.stringify(saved)).toContain(writer.containerDirectory);
  });
});
