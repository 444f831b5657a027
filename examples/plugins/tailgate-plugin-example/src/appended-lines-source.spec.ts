import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { collectStream, describeLogSource } from '@tailgate/plugin-sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { appendedLinesSource } from './appended-lines-source';

const dirs: string[] = [];
async function directory(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tailgate-example-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const sourceIn = (dir: string) => appendedLinesSource({ directory: dir, namespace: 'files', pollIntervalMs: 20 });

describeLogSource('example.files', async () => {
  const dir = await directory();
  return {
    source: sourceIn(dir),
    selector: { file: 'app' },
    invalidSelectors: [{}, { file: '../etc/passwd' }, { file: 'App' }, { file: 'app.log' }, { file: '-x' }, { file: 'app', extra: 1 }],
    produce: (lines) => appendFile(join(dir, 'app.log'), lines.map((line) => `${line}\n`).join('')),
  };
});

describe('example.files', () => {
  it('streams only what is appended after it opened, and starts over when the file is truncated', async () => {
    const dir = await directory();
    const file = join(dir, 'app.log');
    await writeFile(file, 'written before\n');
    const source = sourceIn(dir);
    const collector = collectStream(source, source.selector.parse({ file: 'app' }));
    try {
      await appendFile(file, 'first\nsecond, unfinished');
      await collector.waitFor((c) => c.records.length === 1);
      await writeFile(file, 'after truncation\n');
      await collector.waitFor((c) => c.records.length === 2);
      expect(collector.records.map((r) => r.line)).toEqual(['first', 'after truncation']);
      expect(collector.records[0]?.target).toEqual({ namespace: 'files', pod: 'app', container: 'log' });
    } finally {
      await collector.stop();
    }
  });

  it('waits for a file that does not exist yet', async () => {
    const dir = await directory();
    const source = sourceIn(dir);
    const collector = collectStream(source, source.selector.parse({ file: 'later' }));
    try {
      await writeFile(join(dir, 'later.log'), 'hello\n');
      await collector.waitFor((c) => c.records.length === 1);
      expect(collector.records.map((r) => r.line)).toEqual(['hello']);
    } finally {
      await collector.stop();
    }
  });
});
