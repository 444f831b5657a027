// AgentTail between inotify wake-ups: only the directories that changed are read, a new file is
// looked for only where a name changed, and rotations and restarts are still followed at once.
// `stat` is counted through node:fs/promises, which every lookup of a file goes through.
import * as fsPromises from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LogRecord } from '@tailgate/plugin-sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { AgentTail, type AgentTailOptions } from './agent-tail';
import type { ContainerLogDir } from './container-log-dir';
import { CriLogWriter } from './testing';

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fsPromises>();
  return { ...actual, stat: vi.fn(actual.stat) };
});

// A poll interval longer than any test: whatever is read or found here was found through inotify.
const OPTIONS: AgentTailOptions = {
  readChunkBytes: 512,
  maxLineBytes: 4096,
  maxBatchRecords: 50,
  pollIntervalMs: 60_000,
  watchFiles: true,
};

describe('AgentTail between wake-ups', () => {
  let root: string;
  let quiet: CriLogWriter;
  let chatty: CriLogWriter;
  let tail: AgentTail;
  const stop = new AbortController();
  const records: LogRecord[] = [];

  const dirOf = (writer: CriLogWriter): ContainerLogDir => ({ target: writer.target, path: writer.containerDirectory });
  const statsUnder = (writer: CriLogWriter) =>
    vi.mocked(fsPromises.stat).mock.calls.filter(([path]) => String(path).startsWith(writer.containerDirectory));
  const linesOf = (writer: CriLogWriter) => records.filter((r) => r.target.pod === writer.target.pod).map((r) => r.line);

  /** Steps after each wake-up until `done`, as AgentTail.run does. */
  async function stepUntil(done: () => boolean): Promise<void> {
    const deadline = Date.now() + 3_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for records');
      await tail.wait(stop.signal);
      for (const event of (await tail.step()).events) if (event.type === 'records') records.push(...event.records);
    }
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'agent-tail-wakeups-'));
    quiet = new CriLogWriter(root, { namespace: 'acme', pod: 'quiet', container: 'app' });
    chatty = new CriLogWriter(root, { namespace: 'acme', pod: 'chatty', container: 'app' });
    tail = new AgentTail(OPTIONS);
    tail.start(dirOf(quiet), 'beginning');
    tail.start(dirOf(chatty), 'beginning');
    records.length = 0;
    // The first step reads both and looks for new files in both.
    await quiet.write('hello');
    await chatty.write('hello');
    await stepUntil(() => records.length === 2);
  });

  afterEach(async () => {
    await tail.close();
    await rm(root, { recursive: true, force: true });
  });

  it('does not stat a missing next file, nor anything of an idle container, while another one wakes the tail', async () => {
    vi.mocked(fsPromises.stat).mockClear();
    for (let i = 0; i < 20; i++) {
      await chatty.write(`line ${i}`);
      await stepUntil(() => linesOf(chatty).length === i + 2);
    }
    expect(statsUnder(quiet)).toEqual([]);
    expect(statsUnder(chatty)).toEqual([]);
    expect(linesOf(quiet)).toEqual(['hello']);
    // The seam counts: a step that follows no wait looks for `1.log`, which is missing.
    await tail.step();
    expect(statsUnder(quiet).map(([path]) => path)).toContain(join(quiet.containerDirectory, '1.log'));
  });

  it('follows a rotation and a restart of an idle container at once, while another one wakes the tail', async () => {
    await chatty.write('noise');
    await stepUntil(() => linesOf(chatty).length === 2);
    await quiet.write('before rotation');
    await quiet.rotate();
    await quiet.write('after rotation');
    await chatty.write('noise');
    await stepUntil(() => linesOf(quiet).length === 3);
    await quiet.restart();
    await quiet.write('after restart');
    await stepUntil(() => linesOf(quiet).length === 4);
    expect(linesOf(quiet)).toEqual(['hello', 'before rotation', 'after rotation', 'after restart']);
    expect(tail.totals().rotations).toBe(2);
  });
});
