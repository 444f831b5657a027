import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { PodDirectoryScanner, type UnreadableDirectory } from './pod-directory-scanner';

describe('PodDirectoryScanner', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'pod-scanner-'));
    await mkdir(join(root, 'acme_web-0_uid-1', 'app'), { recursive: true });
    await mkdir(join(root, 'other_api-0_uid-2', 'api'), { recursive: true });
    await mkdir(join(root, 'not-a-pod-dir'));
  });

  afterEach(() => rm(root, { recursive: true, force: true }));

  it('finds the container directories a selector matches', async () => {
    const dirs = await new PodDirectoryScanner(root, { namespace: 'acme' }).scan();
    expect(dirs).toEqual([{ target: { namespace: 'acme', pod: 'web-0', container: 'app' }, path: join(root, 'acme_web-0_uid-1', 'app') }]);
    expect(new PodDirectoryScanner(root, {}).scanSync()).toHaveLength(2);
  });

  it('reports a directory it cannot list with its code and goes on', async () => {
    // File modes do not stop root; a symlink loop cannot be listed by anyone.
    const loop = join(root, 'loop');
    await symlink(loop, loop);
    const reported: UnreadableDirectory[] = [];
    expect(await new PodDirectoryScanner(loop, {}, (dir) => reported.push(dir)).scan()).toEqual([]);
    expect(new PodDirectoryScanner(loop, {}, (dir) => reported.push(dir)).scanSync()).toEqual([]);
    expect(reported).toEqual([
      { path: loop, code: 'ELOOP' },
      { path: loop, code: 'ELOOP' },
    ]);
    await expect(new PodDirectoryScanner(loop, {}).scan()).rejects.toMatchObject({ code: 'ELOOP' });
  });

  it('treats a missing root as empty', async () => {
    expect(await new PodDirectoryScanner(join(root, 'nowhere'), {}, () => expect.fail('not unreadable')).scan()).toEqual([]);
  });
});
