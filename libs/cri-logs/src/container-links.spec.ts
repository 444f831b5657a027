import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { HOST_PODS_ROOT, parseContainerLinkName, resolveContainerLinks } from './container-links';

const ID = 'a'.repeat(64);

describe('parseContainerLinkName', () => {
  it('reads pod, namespace, container (dashes included) and container ID', () => {
    expect(parseContainerLinkName(`web-0_acme_side-car-${ID}.log`)).toEqual({
      pod: 'web-0',
      namespace: 'acme',
      container: 'side-car',
      containerId: ID,
    });
  });

  it('refuses other names', () => {
    for (const name of [
      `web-0_acme_app-${ID}`,
      `web-0_app-${ID}.log`,
      'web-0_acme_app-xyz.log',
      `a_b_c_d-${ID}.log`,
      `_acme_app-${ID}.log`,
      `web_acme_-${ID}.log`,
    ]) {
      expect(parseContainerLinkName(name), name).toBeUndefined();
    }
  });
});

describe('resolveContainerLinks', () => {
  let base: string;
  let links: string;
  let pods: string;

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'container-links-'));
    links = join(base, 'containers');
    pods = join(base, 'pods');
    await mkdir(join(pods, 'acme_web-0_uid-1', 'app'), { recursive: true });
    await mkdir(links);
    await writeFile(join(pods, 'acme_web-0_uid-1', 'app', '0.log'), '');
  });

  afterEach(() => rm(base, { recursive: true, force: true }));

  it('maps host paths under /var/log/pods onto the pods root, and follows relative links', async () => {
    await symlink(`${HOST_PODS_ROOT}/acme_web-0_uid-1/app/0.log`, join(links, `web-0_acme_app-${ID}.log`));
    await symlink('../pods/acme_web-0_uid-1/app/0.log', join(links, `web-0_acme_app-${'b'.repeat(64)}.log`));
    const resolved = await resolveContainerLinks(links, pods);
    expect(resolved.map((l) => [l.containerId[0], l.path, l.target])).toEqual([
      ['a', join(pods, 'acme_web-0_uid-1', 'app'), { namespace: 'acme', pod: 'web-0', container: 'app' }],
      ['b', join(pods, 'acme_web-0_uid-1', 'app'), { namespace: 'acme', pod: 'web-0', container: 'app' }],
    ]);
  });

  it('skips dangling links, other names and a missing directory', async () => {
    await symlink(`${HOST_PODS_ROOT}/acme_gone_uid-2/app/0.log`, join(links, `gone_acme_app-${ID}.log`));
    await writeFile(join(links, 'README'), '');
    expect(await resolveContainerLinks(links, pods)).toEqual([]);
    expect(await resolveContainerLinks(join(base, 'nowhere'), pods)).toEqual([]);
  });

  it('reports a directory it cannot list instead of throwing', async () => {
    const loop = join(base, 'loop');
    await symlink(loop, loop);
    const reported: unknown[] = [];
    expect(await resolveContainerLinks(loop, pods, (dir) => reported.push(dir))).toEqual([]);
    expect(reported).toEqual([{ path: loop, code: 'ELOOP' }]);
  });
});
