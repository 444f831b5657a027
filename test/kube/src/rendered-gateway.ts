// A gateway process running exactly what a chart or overlay rendered: the tailgate.yaml of the
// ConfigMap its Deployment mounts, with the plain environment its container sets, signed in as the
// ServiceAccount the Deployment names (a real TokenRequest token, so the rendered ClusterRoleBinding
// is what grants it anything). Only what cannot be the same outside a pod is changed:
//   - TAILGATE_CONFIG names a copy of the ConfigMap's tailgate.yaml in a temp dir, not the mount;
//   - kube.connection `in-cluster` becomes `explicit` with the test apiserver's address and CA and
//     a TokenRequest token of the rendered ServiceAccount (what in-cluster mode reads from the
//     projected volume and KUBERNETES_SERVICE_HOST); any other rendered mode is refused;
//   - server.host/port (HOST, PORT) become 127.0.0.1 and a free port;
//   - the process is the gateway's main.ts on the sources (tsx), not the image's entry point, and
//     its log goes to a file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadConfig, type TailgateConfig } from '@tailgate/config';
import { z } from 'zod';

import type { ClusterTestContext } from '../../cluster/src/test-context';
import { type GatewayProcess, spawnGateway } from '../../e2e/support/gateway-process';
import { configMapData, type Manifest } from './rendered-manifests';

const EnvVarSchema = z.looseObject({ name: z.string(), value: z.string().optional(), valueFrom: z.unknown().optional() });
const DeploymentSchema = z.looseObject({
  spec: z.looseObject({
    template: z.looseObject({
      spec: z.looseObject({
        serviceAccountName: z.string(),
        containers: z
          .array(z.looseObject({ name: z.string(), env: z.array(EnvVarSchema).optional(), envFrom: z.array(z.unknown()).optional() }))
          .min(1),
        volumes: z.array(z.looseObject({ name: z.string(), configMap: z.looseObject({ name: z.string() }).optional() })).optional(),
      }),
    }),
  }),
});

export interface RenderedGateway {
  readonly process: GatewayProcess;
  /** The ServiceAccount the Deployment names, whose token the process signs in with. */
  readonly serviceAccount: string;
}

/** The parts of the gateway Deployment a process needs: its ServiceAccount, its config and env. */
export function renderedGatewayPod(manifests: readonly Manifest[], deploymentName: string) {
  const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === deploymentName);
  if (deployment === undefined) throw new Error(`no Deployment ${deploymentName} rendered`);
  const pod = DeploymentSchema.parse(deployment).spec.template.spec;
  const container = pod.containers.find((c) => c.name === 'gateway') ?? pod.containers[0]!;
  const configMapName = pod.volumes?.find((v) => v.configMap !== undefined)?.configMap?.name;
  const configMap = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === configMapName);
  const configText = configMap === undefined ? undefined : configMapData(configMap)['tailgate.yaml'];
  if (configText === undefined) throw new Error(`Deployment ${deploymentName} mounts no ConfigMap with tailgate.yaml`);
  const fromSecrets = [
    ...(container.env ?? []).filter((e) => e.value === undefined).map((e) => e.name),
    ...(container.envFrom ?? []).map(() => 'envFrom'),
  ];
  const env = Object.fromEntries((container.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value] as const])));
  return { serviceAccount: pod.serviceAccountName, configText, env, fromSecrets };
}

/**
 * Starts the gateway the manifests (already applied in `namespace`) describe. Throws when the
 * container takes settings from a Secret: this runner has no way to stand in for those.
 */
export async function startRenderedGateway(
  ctx: ClusterTestContext,
  manifests: readonly Manifest[],
  namespace: string,
  deploymentName: string,
): Promise<RenderedGateway> {
  const pod = renderedGatewayPod(manifests, deploymentName);
  if (pod.fromSecrets.length > 0) throw new Error(`the gateway container reads ${pod.fromSecrets.join(', ')} from Secrets`);
  const dir = mkdtempSync(join(tmpdir(), 'tailgate-rendered-gateway-'));
  const file = join(dir, 'tailgate.yaml');
  writeFileSync(file, pod.configText);
  // The process reads this file with the container's environment (PORT, HOST, LOG_LEVEL…), as in the pod.
  const loaded = loadConfig({ file, env: { ...pod.env, TAILGATE_CONFIG: file } });
  if (!loaded.ok) throw new Error(`the rendered configuration is refused: ${loaded.problems.join('; ')}`);
  const rendered = loaded.config.kube?.connection;
  if (rendered?.mode !== 'in-cluster') throw new Error(`the rendered kube.connection mode is ${rendered?.mode ?? 'unset'}, not in-cluster`);
  const token = await ctx.fixtures.serviceAccountToken(namespace, pod.serviceAccount);
  const config: TailgateConfig = {
    ...loaded.config,
    kube: { ...loaded.config.kube!, connection: { mode: 'explicit', server: ctx.cluster.server, ca: ctx.cluster.ca, token } },
  };
  const process = await spawnGateway(config, dir, 'gateway');
  return { process, serviceAccount: pod.serviceAccount };
}
