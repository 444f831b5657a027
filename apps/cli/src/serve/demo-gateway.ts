// `tailgate serve --demo`: the gateway's built-in demo world (fake pods in two team namespaces,
// three users, no cluster) in this process, its files in a temporary directory removed on close.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LOG_PREFIX } from './desktop-gateway';
import { loadGateway } from './load-gateway';
import type { DemoBannerFacts } from './serve-banner';
import { stderrLog } from './stderr-log';

export interface DemoGateway {
  readonly facts: DemoBannerFacts;
  close(): Promise<void>;
}

export async function startDemoGateway(options: { host: string; port: number }): Promise<DemoGateway> {
  const lib = await loadGateway();
  const dir = mkdtempSync(join(tmpdir(), 'tailgate-demo-'));
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  const world = lib.createDemoWorld(dir, { host: options.host, port: options.port, logLevel: 'warn' });
  const stopTraffic = lib.startDemoTraffic(world.podsRoot, lib.DEMO_PODS);
  const gateway = await lib.startGateway({ config: world.config, logDestination: stderrLog(LOG_PREFIX) }).catch(async (error: unknown) => {
    await stopTraffic();
    removeDir();
    throw error;
  });
  const users = lib.DEMO_USERS.map((user) => ({ ...user, token: world.tokens[user.name] ?? '' }));
  return {
    facts: { url: gateway.url, uiUrl: gateway.uiUrl, pods: lib.DEMO_PODS, users },
    close: async () => {
      await stopTraffic();
      await gateway.close();
      removeDir();
    },
  };
}
