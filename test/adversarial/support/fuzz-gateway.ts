// The gateway the protocol fuzz runs against: the demo world in a process of its own (so its
// memory is its own), with a heap probe, quotas and connection limits out of the way (they would
// refuse most generated cases before the code under test saw them), and a few lines in every pod.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CriLogWriter } from '@tailgate/cri-logs/testing';

import { createDemoWorld, DEMO_PODS, type DemoWorld } from '../../../apps/gateway/src/demo/demo-world';
import { demoVisibility } from '../../e2e/support/demo-visibility';
import { type GatewayProcess, spawnGateway } from '../../e2e/support/gateway-process';
import type { Visibility } from '../../support/leak-oracle';

const UNLIMITED = 1_000_000_000;

export interface FuzzGateway {
  readonly url: string;
  readonly world: DemoWorld;
  readonly process: GatewayProcess;
  /** What a demo user may see, the lines written to the pods it may not read as secrets. */
  sees(user: string): Visibility;
  /** Heap in use after a full garbage collection, in bytes. */
  retainedHeap(): Promise<number>;
  stop(): Promise<void>;
}

export async function startFuzzGateway(name: string): Promise<FuzzGateway> {
  const dir = mkdtempSync(join(tmpdir(), `tailgate-${name}-`));
  const world = createDemoWorld(dir, {
    port: 0,
    logLevel: 'warn',
    nodeFile: { pollIntervalMs: 50, scanIntervalMs: 200 },
    streams: { idleGraceMs: 100 },
    quotas: { user: { maxSubscriptions: UNLIMITED, maxStreams: UNLIMITED, subscribesPerMinute: UNLIMITED } },
    connections: {
      perAddressPerMinute: UNLIMITED,
      perAddressBurst: UNLIMITED,
      failuresPerCredentialPerMinute: UNLIMITED,
      failuresPerCredentialBurst: UNLIMITED,
      maxPerUser: UNLIMITED,
      trackedKeys: 1_000,
    },
  });
  const written = new Map<string, string[]>();
  for (const pod of DEMO_PODS) {
    const lines = [1, 2, 3].map((i) => `${pod.namespace}/${pod.name} secret line ${i}`);
    await new CriLogWriter(world.podsRoot, { namespace: pod.namespace, pod: pod.name, container: pod.container }).writeMany(lines);
    written.set(`${pod.namespace}/${pod.name}`, lines);
  }
  const probe = join(__dirname, 'heap-probe.mjs');
  const gateway = await spawnGateway(world.config, dir, name, ['--expose-gc', '--import', probe]);
  let probes = 0;
  return {
    url: gateway.url,
    world,
    process: gateway,
    sees: (user) => demoVisibility(user, () => DEMO_PODS, written),
    async retainedHeap() {
      const marker = `{"heapProbe":${++probes},`;
      process.kill(gateway.pid, 'SIGWINCH');
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
        const line = gateway
          .log()
          .split('\n')
          .find((l) => l.startsWith(marker));
        if (line) return (JSON.parse(line) as { heapUsed: number }).heapUsed;
      }
      throw new Error('the gateway did not answer the heap probe');
    },
    async stop() {
      gateway.kill('SIGKILL');
      await gateway.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
