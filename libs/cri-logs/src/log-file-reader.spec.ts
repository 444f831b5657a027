import { appendFile, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { LogFileReader, REWRITTEN } from './log-file-reader';

describe('LogFileReader', () => {
  let dir: string;
  let file: string;
  const readers: LogFileReader[] = [];
  const buffer = Buffer.alloc(64);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'log-file-reader-'));
    file = join(dir, '0.log');
    await writeFile(file, '');
  });

  afterEach(async () => {
    await Promise.all(readers.splice(0).map((reader) => reader.close()));
    await rm(dir, { recursive: true, force: true });
  });

  async function open(...args: Parameters<typeof LogFileReader.open> extends [string, number, ...infer R] ? R : never) {
    const reader = await LogFileReader.open(file, 1024, ...args);
    readers.push(reader);
    return reader;
  }

  async function readAll(reader: LogFileReader): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const result = await reader.read(buffer, (line) => lines.push(line.toString()));
      if (result === REWRITTEN || result === 0) return lines;
    }
  }

  it('hands over whole lines only and stays at the start of an unfinished one', async () => {
    await appendFile(file, 'one\ntwo\nthr');
    const reader = await open();
    expect(await readAll(reader)).toEqual(['one', 'two']);
    expect(reader.offset).toBe(8);
    await appendFile(file, 'ee\n');
    expect(await readAll(reader)).toEqual(['three']);
    expect(reader.offset).toBe(14);
  });

  it('carries a line longer than a read across reads', async () => {
    const long = 'x'.repeat(150);
    await appendFile(file, `${long}\nshort\n`);
    const reader = await open();
    expect(await readAll(reader)).toEqual([long, 'short']);
  });

  it('reports a file rewritten in place, even when it is longer than the offset again', async () => {
    await appendFile(file, 'first line\nsecond line\n');
    const reader = await open();
    await readAll(reader);
    await truncate(file, 0);
    await appendFile(file, 'another first\nanother second\nthird\n');
    expect(await reader.read(buffer, () => undefined)).toBe(REWRITTEN);
    reader.rewind();
    expect(await readAll(reader)).toEqual(['another first', 'another second', 'third']);
  });

  it('resumes at a saved line start only where the fingerprint still matches', async () => {
    await appendFile(file, 'one\ntwo\n');
    const first = await open();
    await readAll(first);
    const saved = { offset: first.offset, at: 'line-start' as const, fingerprint: first.fingerprint() };
    await appendFile(file, 'three\n');
    const resumed = await open(saved);
    expect(await resumed.stillHolds()).toBe(true);
    expect(await readAll(resumed)).toEqual(['three']);
    await writeFile(file, 'ONE\nTWO\nTHREE\n');
    expect(await (await open(saved)).stillHolds()).toBe(false);
  });

  it('opened mid-line, starts at the next line', async () => {
    await appendFile(file, 'one\ntwo\nthree\n');
    expect(await readAll(await open({ offset: 2, at: 'mid-line' }))).toEqual(['two', 'three']);
  });
});
