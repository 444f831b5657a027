import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AgentMetrics } from './agent-metrics';
import { ContainerInventory } from './container-inventory';

const ID = 'c'.repeat(64);

describe('ContainerInventory', () => {
  let base: string;
  let metrics: AgentMetrics;
  const logger = pino({ level: 'silent' });

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'inventory-'));
    metrics = new AgentMetrics();
    await mkdir(join(base, 'pods', 'acme_web-0_uid-1', 'app'), { recursive: true });
    await mkdir(join(base, 'containers'));
  });

  afterEach(() => rm(base, { recursive: true, force: true }));

  const metric = async (name: string) =>
    (await metrics.registry.getSingleMetricAsString(name)).split('\n').filter((l) => !l.startsWith('#'));

  it('lists the containers under the root with the IDs their links give', async () => {
    await symlink('/var/log/pods/acme_web-0_uid-1/app/0.log', join(base, 'containers', `web-0_acme_app-${ID}.log`));
    await writeFile(join(base, 'pods', 'acme_web-0_uid-1', 'app', '0.log'), '');
    const inventory = new ContainerInventory(join(base, 'pods'), join(base, 'containers'), metrics, logger);
    await inventory.scan();
    expect(inventory.containers()).toEqual([
      {
        target: { namespace: 'acme', pod: 'web-0', container: 'app' },
        path: join(base, 'pods', 'acme_web-0_uid-1', 'app'),
        containerIds: [ID],
      },
    ]);
    expect(inventory.problem).toBeUndefined();
    expect(await metric('tailgate_agent_containers')).toEqual(['tailgate_agent_containers 1']);
  });

  it('says why a root cannot serve: missing, or unreadable (counted once, with its code)', async () => {
    const missing = new ContainerInventory(join(base, 'nowhere'), '', metrics, logger);
    await missing.scan();
    expect(missing.problem).toBe('root_missing');
    // Root ignores file modes; a symlink loop cannot be listed by anyone.
    const loop = join(base, 'loop');
    await symlink(loop, loop);
    const unreadable = new ContainerInventory(loop, loop, metrics, logger);
    await unreadable.scan();
    await unreadable.scan();
    expect(unreadable.problem).toBe('root_unreadable');
    expect(await metric('tailgate_agent_read_errors_total')).toEqual(['tailgate_agent_read_errors_total{kind="directory",code="ELOOP"} 1']);
  });
});
