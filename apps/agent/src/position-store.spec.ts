import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { TailPosition } from '@tailgate/cri-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { POSITIONS_FILE, PositionStore } from './position-store';

const position: TailPosition = {
  path: '/var/log/pods/acme_web-0_uid/app/0.log',
  ino: 42,
  offset: 1234,
  fingerprint: Buffer.from('2024-05-01T10:00:00Z stdout F hi\n').toString('base64'),
  clock: { epochNanos: '01714557600000000000', sequence: 3 },
  cursor: '01714557600000000000-0000000003',
};

describe('PositionStore', () => {
  let stateDir: string;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'positions-'));
  });

  afterEach(() => rm(stateDir, { recursive: true, force: true }));

  it('keeps positions across openings, in one file replaced atomically', async () => {
    const { store } = await PositionStore.open(join(stateDir, 'nested'));
    store.set('/dir/a', position);
    store.set('/dir/b', { ...position, ino: 7 });
    store.delete('/dir/b');
    await store.save();
    expect(await readdir(join(stateDir, 'nested'))).toEqual([POSITIONS_FILE]);
    const reopened = await PositionStore.open(join(stateDir, 'nested'));
    expect(reopened.problem).toBeUndefined();
    expect(reopened.store.get('/dir/a')).toEqual(position);
    expect(reopened.store.size).toBe(1);
  });

  it('keeps the demand runs a directory was tailed for with its position, and forgets both together', async () => {
    const run = 'c'.repeat(32);
    const { store } = await PositionStore.open(stateDir);
    store.set('/dir/a', position);
    store.setRuns('/dir/a', [run]);
    store.set('/dir/b', position);
    store.setRuns('/dir/b', [run]);
    store.delete('/dir/b');
    await store.save();
    const { store: reopened } = await PositionStore.open(stateDir);
    expect(reopened.runsOf('/dir/a')).toEqual([run]);
    expect(reopened.runsOf('/dir/b')).toBeUndefined();
  });

  it('writes only when something changed, and never two writes at once', async () => {
    const { store } = await PositionStore.open(stateDir);
    const file = join(stateDir, POSITIONS_FILE);
    await writeFile(file, 'sentinel');
    await store.save();
    expect(await readFile(file, 'utf8')).toBe('sentinel');
    store.set('/dir/a', position);
    await Promise.all([store.save(), store.save(), store.save()]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, positions: { '/dir/a': position } });
  });

  it('does not write again for positions equal by value to the saved ones', async () => {
    const { store } = await PositionStore.open(stateDir);
    const file = join(stateDir, POSITIONS_FILE);
    store.set('/dir/a', position);
    await store.save();
    await writeFile(file, 'sentinel');
    store.set('/dir/a', { ...position, clock: { ...position.clock } });
    await store.save();
    expect(await readFile(file, 'utf8')).toBe('sentinel');
    for (const moved of [{ offset: 1235 }, { cursor: '01714557600000000000-0000000004' }, { clock: { ...position.clock, sequence: 4 } }]) {
      await writeFile(file, 'sentinel');
      store.set('/dir/a', { ...position, ...moved });
      await store.save();
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, positions: { '/dir/a': { ...position, ...moved } } });
    }
  });

  it('forgets directories that are gone', async () => {
    const { store } = await PositionStore.open(stateDir);
    store.set('/dir/a', position);
    store.set('/dir/b', position);
    store.retainOnly(new Set(['/dir/b']));
    expect([store.get('/dir/a'), store.get('/dir/b')]).toEqual([undefined, position]);
  });

  it('reports a malformed file and starts afresh instead of failing', async () => {
    await writeFile(join(stateDir, POSITIONS_FILE), '{"version":1,"positions":{"/dir/a":{"ino":"x"}}}');
    const opened = await PositionStore.open(stateDir);
    expect(opened.problem).toEqual({ code: 'malformed' });
    expect(opened.store.size).toBe(0);
    await writeFile(join(stateDir, POSITIONS_FILE), 'not json');
    expect((await PositionStore.open(stateDir)).problem).toEqual({ code: 'malformed' });
  });

  it('refuses a state directory it cannot write, with code state_dir_unwritable', async () => {
    const file = join(stateDir, 'a-file');
    await writeFile(file, '');
    await expect(PositionStore.open(join(file, 'state'))).rejects.toMatchObject({ code: 'state_dir_unwritable' });
  });
});
