import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { SharedDirectoryListing } from './shared-directory-listing';

describe('SharedDirectoryListing', () => {
  const roots: string[] = [];
  const rootDir = async () => {
    const root = await mkdtemp(join(tmpdir(), 'shared-listing-'));
    roots.push(root);
    return root;
  };
  afterEach(async () => {
    for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
  });

  it('lists once for everyone who asks within maxAgeMs, directories only, and again after', async () => {
    const root = await rootDir();
    await mkdir(join(root, 'ns_a_1'));
    await writeFile(join(root, 'not-a-dir'), '');
    let now = 1_000;
    const listing = new SharedDirectoryListing(root, 500, () => now);
    const first = listing.directoryNames();
    expect(listing.directoryNames()).toBe(first);
    expect(await first).toEqual(['ns_a_1']);
    await mkdir(join(root, 'ns_b_2'));
    now += 499;
    expect(await listing.directoryNames()).toEqual(['ns_a_1']);
    now += 1;
    expect((await listing.directoryNames()).sort()).toEqual(['ns_a_1', 'ns_b_2']);
  });

  it('keeps no failed listing: the next caller lists again', async () => {
    const root = join(await rootDir(), 'later');
    const listing = new SharedDirectoryListing(root, 60_000, () => 0);
    await expect(listing.directoryNames()).rejects.toMatchObject({ code: 'ENOENT' });
    await mkdir(join(root, 'ns_a_1'), { recursive: true });
    expect(await listing.directoryNames()).toEqual(['ns_a_1']);
  });
});
