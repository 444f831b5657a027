// A running Tailgate under test, wherever it runs: in the runner's process (the default for the
// capacity scenarios: no fork, no second copy of the modules) or in a process of its own
// (gateway-process.ts), where its CPU and memory are its own and node flags such as `--cpu-prof`
// apply to it alone. Both start from the same world description (bench-world.ts).
import { startGateway } from '../apps/gateway/src/start-gateway';
import { createGatewayWorld, type WorldSpec } from './bench-world';
import { GatewayReplica } from './gateway-replica';
import { sumMetric } from './sum-metric';

export interface GatewayHost {
  readonly url: string;
  /** Its own process; undefined when it runs in the runner's. */
  readonly pid: number | undefined;
  /** A counter or gauge, summed over the series with `label` (name, value). */
  metric(name: string, label?: readonly [string, string]): Promise<number>;
  stop(): Promise<void>;
}

/** Where to start a gateway: undefined for the runner's process, else its own process with these node flags. */
export type GatewayPlacement = { readonly nodeFlags: readonly string[] } | undefined;

export async function startGatewayHost(spec: WorldSpec, placement: GatewayPlacement): Promise<GatewayHost> {
  if (placement) return GatewayReplica.start(spec, placement.nodeFlags);
  const world = createGatewayWorld(spec);
  try {
    const gateway = await startGateway({ config: world.config, logDestination: process.stderr });
    return {
      url: gateway.url,
      pid: undefined,
      metric: (name, label) => sumMetric(gateway, name, label),
      async stop() {
        await gateway.close();
        world.remove();
      },
    };
  } catch (error) {
    world.remove();
    throw error;
  }
}
