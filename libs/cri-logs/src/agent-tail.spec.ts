import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import type { LogRecord } from '@tailgate/plugin-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AgentTail, type AgentTailEvent, type AgentTailOptions } from './agent-tail';
import type { ContainerLogDir } from './container-log-dir';
import { CriLogWriter, encodeCriLine } from './testing';

// A read buffer smaller than the long lines, so lines are carried across reads too.
const OPTIONS: AgentTailOptions = { readChunkBytes: 512, maxLineBytes: 4096, maxBatchRecords: 50, pollIntervalMs: 20, watchFiles: true };
const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('AgentTail', () => {
  let root: string;
  let writer: CriLogWriter;
  let dir: ContainerLogDir;
  const tails: AgentTail[] = [];

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'agent-tail-'));
    writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    dir = { target: writer.target, path: writer.containerDirectory };
  });

  afterEach(async () => {
    await Promise.all(tails.splice(0).map((tail) => tail.close()));
    await rm(root, { recursive: true, force: true });
  });

  function newTail(options: Partial<AgentTailOptions> = {}): AgentTail {
    const tail = new AgentTail({ ...OPTIONS, ...options });
    tails.push(tail);
    return tail;
  }

  /** Runs the tail in the background, collecting its records and other events. */
  function collect(tail: AgentTail) {
    const records: LogRecord[] = [];
    const others: AgentTailEvent[] = [];
    const controller = new AbortController();
    const loop = (async () => {
      for await (const events of tail.run(controller.signal)) {
        for (const event of events) {
          if (event.type === 'records') records.push(...event.records);
          else others.push(event);
        }
      }
    })();
    return { records, others, stop: () => (controller.abort(), loop) };
  }

  const lines = (records: readonly LogRecord[]) => records.map((r) => r.line);

  it.each([
    ['inotify', true],
    ['the poll fallback', false],
  ])(
    'hands out every line exactly once while a writer appends, rotates, truncates, restarts and splits lines mid-stream (woken by %s)',
    async (_, watchFiles) => {
      const tail = newTail({ watchFiles });
      tail.start(dir, 'beginning');
      const seen = collect(tail);
      const expected: string[] = [];
      let n = 0;
      const next = (long: boolean) => `line ${n++}${long ? ` ${'x'.repeat(1500)}` : ''}`;
      const caughtUp = () => expect.poll(() => seen.records.length, { timeout: 10_000 }).toBe(expected.length);
      for (let round = 0; round < 40; round++) {
        const batch = Array.from({ length: 25 }, (_, i) => next(i % 6 === 0));
        expected.push(...batch);
        // Long lines are split into P entries of 700 bytes, the way a runtime splits them.
        await writer.writeMany(batch, { partialChunkBytes: 700, stream: round % 3 === 0 ? 'stderr' : 'stdout' });
        if (round % 5 === 1) await writer.rotate();
        if (round % 13 === 4) await writer.restart();
        if (round % 8 === 6) {
          // copytruncate right after lines the reader has likely not read yet: they are only in the copy then.
          const lastLines = [next(false), next(true)];
          expected.push(...lastLines);
          await writer.writeMany(lastLines, { partialChunkBytes: 700 });
          await writer.truncate();
        }
        if (round % 4 === 3) {
          // A line arrives in two writes: nothing of it may be handed out before its newline.
          const split = next(false);
          expected.push(split);
          const bytes = encodeCriLine(split);
          await writer.writeRaw(bytes.subarray(0, 20));
          await nextTick();
          await writer.writeRaw(bytes.subarray(20));
        }
      }
      await caughtUp();
      await seen.stop();
      expect(lines(seen.records)).toEqual(expected);
      const cursors = seen.records.map((r) => r.cursor);
      expect(cursors).toEqual([...cursors].sort());
      expect(new Set(cursors).size).toBe(cursors.length);
      expect(seen.others).toEqual([]);
      expect(tail.totals()).toMatchObject({ records: expected.length, malformed: 0, truncated: 0 });
      expect(tail.totals().rotations).toBeGreaterThanOrEqual(8);
    },
  );

  it('resumes from a stopped container’s position with nothing lost or repeated, across rotations meanwhile', async () => {
    const first = newTail({ watchFiles: false });
    first.start(dir, 'beginning');
    await writer.writeMany(['a', 'b', 'c']);
    expect(lines((await first.step()).events.flatMap(recordsOf))).toEqual(['a', 'b', 'c']);
    await writer.writeMany(['d', 'e']);
    const position = await first.stop(dir.path);
    expect(position).toMatchObject({ path: writer.path, offset: expect.any(Number) as number });
    // While nobody tails: the file it stopped in is rotated twice, and the container restarts.
    await writer.rotate();
    await writer.write('f');
    await writer.rotate();
    await writer.restart();
    await writer.write('g');
    const second = newTail({ watchFiles: false });
    second.start(dir, position!);
    const resumed = await stepUntilIdle(second);
    expect(lines(resumed)).toEqual(['d', 'e', 'f', 'g']);
  });

  it('hands out records with the cursors an uninterrupted reader gives them, and skips those handed out before', async () => {
    const ts = '2024-05-01T10:00:00.000000001Z';
    const whole = newTail({ watchFiles: false });
    whole.start(dir, 'beginning');
    await writer.writeMany(['one', 'two'], { ts });
    // A long line split into P entries, the first half before the position is taken.
    const long = 'p'.repeat(1200);
    const entries = encodeCriLine(long, { ts, partialChunkBytes: 500 });
    const firstEntry = entries.indexOf(0x0a) + 1;
    await writer.writeRaw(entries.subarray(0, firstEntry));
    await writer.write('three', { ts, stream: 'stderr' });
    const before = await stepUntilIdle(whole);
    const position = await whole.stop(dir.path);
    await writer.writeRaw(entries.subarray(firstEntry));
    await writer.write('four', { ts });

    const resumed = newTail({ watchFiles: false });
    resumed.start(dir, position!);
    const after = await stepUntilIdle(resumed);
    const uninterrupted = newTail({ watchFiles: false });
    uninterrupted.start(dir, 'beginning');
    const all = await stepUntilIdle(uninterrupted);
    expect(lines(before)).toEqual(['one', 'two', 'three']);
    expect(lines(after)).toEqual([long, 'four']);
    expect([...before, ...after].map((r) => r.cursor)).toEqual(all.map((r) => r.cursor));
  });

  it('reports a gap when the saved file is gone, then reads the oldest file left without repeating records', async () => {
    const first = newTail({ watchFiles: false });
    first.start(dir, 'beginning');
    await writer.writeMany(['a', 'b']);
    await stepUntilIdle(first);
    const position = await first.stop(dir.path);
    await writer.write('lost');
    // kubelet compresses older rotations: the .gz replaces the file the position was in, and is not read.
    const rotated = await writer.rotate();
    await writeFile(`${rotated}.gz`, gzipSync(await readFile(rotated)));
    await rm(rotated);
    await writer.write('c');
    const second = newTail({ watchFiles: false });
    second.start(dir, position!);
    const { events } = await second.step();
    expect(events.map((e) => e.type)).toEqual(['gap', 'records']);
    expect(lines(events.flatMap(recordsOf))).toEqual(['c']);
    expect(second.totals().gaps).toBe(1);
  });

  it('starts at the current end, keeps polling an unreadable directory and reports its code once', async () => {
    await writer.write('old');
    const tail = newTail({ watchFiles: false });
    tail.start(dir, 'end');
    // Root is not denied by file modes; a symlink loop is a directory nobody can list.
    const loop = join(root, 'loop');
    await symlink(loop, loop);
    const unreadable = { target: { namespace: 'acme', pod: 'web-1', container: 'app' }, path: loop };
    tail.start(unreadable, 'end');
    await writer.write('new');
    const first = await tail.step();
    const second = await tail.step();
    expect(lines(first.events.flatMap(recordsOf))).toEqual(['new']);
    expect(first.events.filter((e) => e.type === 'unreadable')).toEqual([{ type: 'unreadable', dir: unreadable, code: 'ELOOP' }]);
    expect(second.events).toEqual([]);
    expect(tail.paths()).toEqual(new Set([dir.path, loop]));
  });

  it('stops following a directory that is removed, after its last records', async () => {
    const tail = newTail({ watchFiles: false });
    tail.start(dir, 'beginning');
    expect((await tail.step()).events).toEqual([]);
    await writer.write('bye');
    await writer.remove();
    const { events } = await tail.step();
    expect(events.map((e) => e.type)).toEqual(['records', 'gone']);
    expect(tail.paths().size).toBe(0);
    expect(tail.totals().records).toBe(1);
  });

  it('polls every container once per step and batches at maxBatchRecords', async () => {
    const other = new CriLogWriter(root, { namespace: 'acme', pod: 'web-1', container: 'app' });
    const tail = newTail({ watchFiles: false, maxBatchRecords: 10 });
    tail.start(dir, 'beginning');
    tail.start({ target: other.target, path: other.containerDirectory }, 'beginning');
    await writer.writeMany(Array.from({ length: 500 }, (_, i) => `busy ${i}`));
    await other.write('quiet');
    const { events, busy } = await tail.step();
    const batches = events.flatMap((e) => (e.type === 'records' ? [e.records] : []));
    expect(busy).toBe(true);
    expect(batches.flat().some((r) => r.line === 'quiet')).toBe(true);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(10);
  });
});

function recordsOf(event: AgentTailEvent): readonly LogRecord[] {
  return event.type === 'records' ? event.records : [];
}

async function stepUntilIdle(tail: AgentTail): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for (;;) {
    const { events, busy } = await tail.step();
    records.push(...events.flatMap(recordsOf));
    if (!busy) return records;
  }
}
