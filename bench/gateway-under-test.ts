// Tailgate itself as a pipeline under test: the demo world's chain (static tokens, namespace
// allowlist + pod-label policy, node-file source) with the bench's identities and pods
// (bench-world.ts), started on a free loopback port in this process (or, with `ownProcess`, in
// its own), on the in-process bus or on Redis.
import 'reflect-metadata';

import { createBenchFiles } from './bench-files';
import { allows, type BenchIdentity, demoIdentities, STREAM_DEFAULTS } from './bench-world';
import type { ListenerSpec } from './fleet-protocol';
import { type GatewayPlacement, startGatewayHost } from './gateway-host';
import { type BenchPod, type PipelineUnderTest, userOf } from './pipeline-under-test';

export { STREAM_DEFAULTS };

/** Who listener `index` is and what it subscribes to. */
export interface ListenerPlan {
  readonly identity: BenchIdentity;
  readonly selector: Readonly<Record<string, string>>;
}

export interface GatewayOptions {
  readonly label: string;
  /** The pods written to; pods that are not the demo's must carry `labels` (their access depends on them). */
  readonly pods: readonly BenchPod[];
  readonly selector: Readonly<Record<string, string>>;
  readonly redis?: { readonly url: string; readonly pid: number; readonly keyPrefix?: string };
  /** node-file settings over its defaults, e.g. `{ pollIntervalMs: 10 }`. */
  readonly nodeFile?: Readonly<Record<string, unknown>>;
  /** Every listener subscribes as this user; default: alice, carol, bob in turn. */
  readonly user?: string;
  /** `streams` settings over STREAM_DEFAULTS, e.g. `{ listenerBufferBytes: 65536 }`. */
  readonly streams?: Readonly<Record<string, unknown>>;
  /** Users the gateway knows; default the demo's alice, carol and bob. */
  readonly identities?: readonly BenchIdentity[];
  /** Per-listener identity and selector, over `user` and `selector`. */
  readonly plan?: (index: number, identities: readonly BenchIdentity[]) => ListenerPlan;
  /** In its own process with these node flags (gateway-process.ts); default in the runner's process. */
  readonly ownProcess?: GatewayPlacement;
}

/** What listener `index` sends and may see, for a gateway started with these identities and options. */
export function listenerPlanner(options: GatewayOptions, identities: readonly BenchIdentity[]) {
  const byName = new Map(identities.map((id) => [id.name, id]));
  const planOf = (index: number): ListenerPlan => {
    if (options.plan) return options.plan(index, identities);
    const identity = byName.get(options.user ?? userOf(index));
    if (!identity) throw new Error(`no identity ${options.user ?? userOf(index)}`);
    return { identity, selector: options.selector };
  };
  return {
    listener: (index: number): ListenerSpec => {
      const { identity, selector } = planOf(index);
      return { token: identity.token, subscribe: { source: 'node-file.pods', selector } };
    },
    sees: (index: number, pod: BenchPod): boolean => {
      const { identity, selector } = planOf(index);
      return selects(selector, pod) && allows(identity, { namespace: pod.namespace, labels: labelsOf(pod) });
    },
  };
}

export async function startGatewayPipeline(options: GatewayOptions): Promise<PipelineUnderTest> {
  const files = createBenchFiles('gateway', options.pods);
  const identities = options.identities ?? demoIdentities();
  const spec = {
    podsRoot: files.podsRoot,
    pods: options.pods.flatMap((pod) => (pod.labels ? [{ ...pod, labels: pod.labels }] : [])),
    identities,
    ...(options.redis && { redis: options.redis }),
    ...(options.nodeFile && { nodeFile: options.nodeFile }),
    ...(options.streams && { streams: options.streams }),
  };
  const gateway = await startGatewayHost(spec, options.ownProcess).catch((error: unknown) => {
    files.remove();
    throw error;
  });
  const ownPid = gateway.pid;
  return {
    label: ownPid === undefined ? options.label : `${options.label} (own process)`,
    url: gateway.url,
    wire: 'socket.io',
    namespace: '/logs',
    writers: files.writers,
    processes: { ...(options.redis && { redis: options.redis.pid }), ...(ownPid !== undefined && { gateway: ownPid }) },
    ...(ownPid !== undefined && { servers: ['gateway'] }),
    ...listenerPlanner(options, identities),
    metric: (name, label) => gateway.metric(name, label),
    async close() {
      await gateway.stop();
      files.remove();
    },
  };
}

/** Selectors the bench uses: by namespace and/or pod name. */
function selects(selector: Readonly<Record<string, string>>, pod: BenchPod): boolean {
  for (const [key, value] of Object.entries(selector)) {
    if (key === 'namespace' && value !== pod.namespace) return false;
    if (key === 'pod' && value !== pod.name) return false;
    if (key !== 'namespace' && key !== 'pod') throw new Error(`the bench does not model selector key ${key}`);
  }
  return true;
}

function labelsOf(pod: BenchPod): Readonly<Record<string, string>> {
  if (!pod.labels) throw new Error(`${pod.namespace}/${pod.name} has no labels; its access depends on them`);
  return pod.labels;
}
