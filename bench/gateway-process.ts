// Entry point of a gateway replica in its own process (S10): starts Tailgate with the world the
// runner describes (bench-world.ts), reports its address, answers metric queries over IPC, and
// closes on `stop` or when its parent goes away.
import 'reflect-metadata';

import { startGateway, type RunningGateway } from '../apps/gateway/src/start-gateway';
import { createGatewayWorld, type GatewayWorld, type WorldSpec } from './bench-world';

export type ReplicaCommand =
  | { readonly type: 'start'; readonly spec: WorldSpec }
  | { readonly type: 'metric'; readonly id: number; readonly name: string; readonly label?: readonly [string, string] }
  | { readonly type: 'stop' };

export type ReplicaReport =
  | { readonly type: 'started'; readonly url: string }
  | { readonly type: 'metric'; readonly id: number; readonly value: number }
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
    const values = (await gateway?.metrics.registry.getSingleMetric(command.name)?.get())?.values ?? [];
    const label = command.label;
    const value = values.filter((v) => label === undefined || v.labels[label[0]] === label[1]).reduce((sum, v) => sum + v.value, 0);
    send({ type: 'metric', id: command.id, value });
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
