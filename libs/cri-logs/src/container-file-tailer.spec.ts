import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ContainerFileTailer } from './container-file-tailer';
import type { LogFileSnapshot } from './log-file-snapshot';
import { CriLogWriter } from './testing';

const OPTIONS = { readChunkBytes: 64, maxLineBytes: 1024 };

describe('ContainerFileTailer', () => {
  let root: string;
  let writer: CriLogWriter;
  let tailer: ContainerFileTailer;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'node-file-tailer-'));
    writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    tailer = new ContainerFileTailer({ target: writer.target, path: writer.containerDirectory }, OPTIONS);
  });

  afterEach(async () => {
    await tailer.close();
    await rm(root, { recursive: true, force: true });
  });

  const read = async () => (await tailer.poll(1000)).records.map((r) => r.line);

  it('reads lines across chunk boundaries as they are appended', async () => {
    const long = 'x'.repeat(200);
    await writer.writeMany(['one', long, 'three']);
    expect(await read()).toEqual(['one', long, 'three']);
    await writer.write('four');
    expect(await read()).toEqual(['four']);
    expect(await read()).toEqual([]);
  });

  it('gives the same position object while nothing moved, and a new one once a line was read', async () => {
    await writer.writeMany(['one', 'two']);
    await read();
    const first = tailer.position;
    expect(first?.cursor).toBeDefined();
    expect(await read()).toEqual([]);
    expect(tailer.position).toBe(first);
    await writer.write('three');
    expect(await read()).toEqual(['three']);
    const moved = tailer.position;
    expect(moved).not.toBe(first);
    expect(moved!.offset).toBeGreaterThan(first!.offset);
    expect(moved!.cursor! > first!.cursor!).toBe(true);
  });

  it('finishes a renamed file, then reads the new one from its start', async () => {
    await writer.writeMany(['1', '2']);
    expect(await read()).toEqual(['1', '2']);
    await writer.write('3');
    await writer.rotate();
    await writer.writeMany(['4', '5']);
    expect(await read()).toEqual(['3', '4', '5']);
    await writer.rotate();
    await writer.rotate();
    await writer.write('6');
    expect(await read()).toEqual(['6']);
  });

  it('starts over when the file is truncated in place (copytruncate)', async () => {
    await writer.writeMany(['1', '2', '3']);
    expect(await read()).toEqual(['1', '2', '3']);
    await writer.truncate();
    await writer.write('4');
    expect(await read()).toEqual(['4']);
  });

  it('recovers lines appended just before a copytruncate from the copy', async () => {
    await writer.writeMany(['1', '2']);
    expect(await read()).toEqual(['1', '2']);
    await writer.write('3');
    await writer.truncate();
    await writer.write('4');
    expect(await read()).toEqual(['3', '4']);
  });

  it('notices a copytruncate even when the file grew past the old offset again before the next read', async () => {
    await writer.writeMany(['1', '2']);
    expect(await read()).toEqual(['1', '2']);
    await writer.write('3');
    await writer.truncate();
    await writer.writeMany(Array.from({ length: 10 }, (_, i) => `after truncation ${i}`));
    expect(await read()).toEqual(['3', ...Array.from({ length: 10 }, (_, i) => `after truncation ${i}`)]);
  });

  it('reads the copy first when the file was copied and truncated before anything of it was read', async () => {
    await writer.rotate();
    expect(await read()).toEqual([]);
    await writer.writeMany(['1', '2']);
    await writer.truncate();
    await writer.write('3');
    expect(await read()).toEqual(['1', '2', '3']);
    expect(tailer.counts.truncations).toBe(1);
  });

  it('reads every copy when the file was copied and truncated twice between two reads', async () => {
    await writer.write('1');
    expect(await read()).toEqual(['1']);
    await writer.write('2');
    await writer.truncate();
    await writer.writeMany(['3', '4']);
    await writer.truncate();
    await writer.write('5');
    expect(await read()).toEqual(['2', '3', '4', '5']);
  });

  it('does not take its own file, renamed after a copytruncate, for a copy', async () => {
    await writer.write('1');
    expect(await read()).toEqual(['1']);
    await writer.truncate();
    await writer.write('2');
    await writer.rotate();
    await writer.write('3');
    expect(await read()).toEqual(['2', '3']);
  });

  it('keeps a position at a line start, after the last record handed out', async () => {
    await writer.writeMany(['1', '2']);
    await read();
    const { size } = await (await import('node:fs/promises')).stat(writer.path);
    expect(tailer.position).toMatchObject({ path: writer.path, offset: size, cursor: expect.any(String) as string });
    expect(Buffer.from(tailer.position!.fingerprint, 'base64').toString()).toMatch(/stdout F 2\n$/);
  });

  it('follows a restarted container into <n+1>.log from its start', async () => {
    await writer.write('first life');
    expect(await read()).toEqual(['first life']);
    await writer.write('dying words');
    await writer.restart();
    await writer.writeMany(['second life', 'still here']);
    expect(await read()).toEqual(['dying words', 'second life', 'still here']);
    await writer.restart();
    await writer.write('third life');
    expect(await read()).toEqual(['third life']);
  });

  it('keeps cursors increasing across rotation, truncation and restarts', async () => {
    const cursors: string[] = [];
    const ts = '2024-05-01T10:00:00Z';
    for (const step of [() => writer.rotate(), () => writer.truncate(), () => writer.restart()]) {
      await writer.write('before', { ts });
      cursors.push(...(await tailer.poll(1000)).records.map((r) => r.cursor));
      await step();
      await writer.write('after', { ts });
      cursors.push(...(await tailer.poll(1000)).records.map((r) => r.cursor));
    }
    expect(cursors).toHaveLength(6);
    expect([...cursors].sort()).toEqual(cursors);
    expect(new Set(cursors).size).toBe(6);
  });

  it('starts at the end recorded at open, with cursors continuing the file', async () => {
    const ts = '2024-05-01T10:00:00Z';
    await writer.writeMany(
      Array.from({ length: 10 }, (_, i) => `old ${i}`),
      { ts },
    );
    const snapshot = await snapshotOf(writer.path);
    await writer.writeMany(['new'], { ts });
    const resumed = new ContainerFileTailer({ target: writer.target, path: writer.containerDirectory }, OPTIONS, {
      at: 'end',
      file: snapshot,
    });
    const [record] = (await resumed.poll(10)).records;
    await resumed.close();
    expect(record?.line).toBe('new');
    expect(record?.cursor).toBe('01714557600000000000-0000000010');
  });

  it('reports a removed directory once everything was read', async () => {
    expect(await read()).toEqual([]);
    await writer.write('bye');
    await writer.remove();
    const poll = await tailer.poll(1000);
    expect(poll.records.map((r) => r.line)).toEqual(['bye']);
    expect(poll.gone).toBe(true);
  });

  it('stops a poll at maxRecords and says there is more', async () => {
    await writer.writeMany(Array.from({ length: 40 }, (_, i) => `l${i}`));
    const first = await tailer.poll(5);
    expect(first.idle).toBe(false);
    expect(first.records.length).toBeGreaterThanOrEqual(5);
    const rest = await tailer.poll(1000);
    expect([...first.records, ...rest.records].map((r) => r.line)).toEqual(Array.from({ length: 40 }, (_, i) => `l${i}`));
  });
});

async function snapshotOf(path: string): Promise<LogFileSnapshot> {
  const { stat } = await import('node:fs/promises');
  const { ino, size } = await stat(path);
  return { path, ino, size };
}
