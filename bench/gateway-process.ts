// Entry point of a gateway in its own process (S10's replicas, S5's fresh gateways, and S1–S3
// with `--gateway process`): starts Tailgate with the world the runner describes (bench-world.ts),
// reports its address, answers metric and memory queries over IPC, and closes on `stop` or when
// its parent goes away.
import 'reflect-metadata';

import { startGateway, type RunningGateway } from '../apps/gateway/src/start-gateway';
import { createGatewayWorld, type GatewayWorld, type WorldSpec } from './bench-world';
import { sumMetric } from './sum-metric';
import { type SettledMemory, settledMemory } from './settled-memory';

export type { SettledMemory } from './settled-memory';

export type ReplicaCommand =
  | { readonly type: 'start'; readonly spec: WorldSpec }
  | { readonly type: 'metric'; readonly id: number; readonly name: string; readonly label?: readonly [string, string] }
  | { readonly type: 'memory' }
  | { readonly type: 'stop' };

export type ReplicaReport =
  | { readonly type: 'started'; readonly url: string }
  | { readonly type: 'metric'; readonly id: number; readonly value: number }
  | ({ readonly type: 'memory' } & SettledMemory)
  | { readonly type: 'stopped' }
  | { readonly type: 'error'; readonly message: string };

let gateway: RunningGateway | undefined;
let world: GatewayWorld | undefined;

function send(report: ReplicaReport): void {
  process.send?.(report);
}

async function stop(): Promise<void> {
  await gateway?.close();
  world?.remove();
  gateway = undefined;
}

async function handle(command: ReplicaCommand): Promise<void> {
  if (command.type === 'start') {
    world = createGatewayWorld(command.spec);
    gateway = await startGateway({ config: world.config, logDestination: process.stderr });
    send({ type: 'started', url: gateway.url });
  } else if (command.type === 'metric') {
    const value = gateway ? await sumMetric(gateway, command.name, command.label) : 0;
    send({ type: 'metric', id: command.id, value });
  } else if (command.type === 'memory') {
    send({ type: 'memory', ...(await settledMemory()) });
  } else {
    await stop();
    send({ type: 'stopped' });
    process.disconnect();
  }
}

process.on('message', (command: ReplicaCommand) => {
  handle(command).catch((error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
});
process.on('disconnect', () => {
  void stop().finally(() => process.exit(0));
});
