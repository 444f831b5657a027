// The built-in demo: one process, no Redis, no cluster. Fake pods in two namespaces write live
// logs; three users on two teams each see only what they may, in the web UI or a script.
import 'reflect-metadata';

import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { startGateway } from '../start-gateway';
import { startDemoTraffic } from './demo-traffic';
import { createDemoWorld, DEMO_PODS, DEMO_USERS } from './demo-world';

async function main(): Promise<void> {
  const dir = resolve(process.env.TAILGATE_DEMO_DIR ?? join(process.cwd(), '.tailgate-demo'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const world = createDemoWorld(dir, { port: Number(process.env.PORT ?? 8080), logLevel: process.env.LOG_LEVEL ?? 'warn' });
  const stopTraffic = startDemoTraffic(world.podsRoot, DEMO_PODS);
  const gateway = await startGateway({ config: world.config });
  printBanner(gateway.url, gateway.uiUrl, world.tokens, dir);
  const stop = async (): Promise<void> => {
    await stopTraffic();
    await gateway.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

function printBanner(url: string, uiUrl: string | undefined, tokens: Readonly<Record<string, string>>, dir: string): void {
  const users = DEMO_USERS.map((u) => `    ${u.name.padEnd(6)} groups=${u.groups.join(',').padEnd(8)} token=${tokens[u.name]}`);
  const pods = DEMO_PODS.map((p) => `    ${`${p.namespace}/${p.name}`.padEnd(26)} ${JSON.stringify(p.labels)}`);
  process.stdout.write(
    [
      '',
      `Tailgate demo is running at ${url} (Socket.IO namespace /logs)`,
      '',
      uiUrl === undefined
        ? '  Web UI: not built (npm run build -w @tailgate/web, then restart the demo)'
        : `  Web UI: ${uiUrl}  (sign in with a token below)`,
      '',
      '  Pods writing live logs (labels as the "apiserver" has them):',
      ...pods,
      '',
      '  Users (tokens also in ' + join(dir, 'users.json') + '):',
      ...users,
      '',
      "  Watch each user see only their team's pods, and get `denied` for the rest:",
      `    npx tsx examples/tail-as-users.ts ${url}`,
      '',
      '  Metrics: ' + url + '/metrics   Health: ' + url + '/healthz',
      '  Stop with Ctrl-C.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : 'demo failed'}\n`);
  process.exit(1);
});
