// `tailgate rbac`: the least-privilege ClusterRoles (and bindings) for a gateway configuration —
// the generator behind k8s/rbac.yaml, so `npm run k8s:rbac` and this command print the same for
// the same configuration.
import { loadConfig, type TailgateConfig } from '@tailgate/config';
import type { Command } from 'commander';
import { z } from 'zod';

import { CliError } from '../cli-error';
import { loadGateway } from '../serve/load-gateway';
import { deploymentConfig } from './deployment-config';

const RbacFlagsSchema = z.strictObject({
  config: z.string().min(1).optional(),
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace name')
    .default('tailgate'),
});

export function registerRbacCommand(program: Command): void {
  program
    .command('rbac')
    .description('Print the least-privilege RBAC (ClusterRoles and bindings) for the plugins a gateway config enables')
    .option('--config <file>', "gateway config (tailgate.yaml, loaded as the gateway loads it; default: k8s/tailgate.yaml's)")
    .option('--namespace <ns>', "namespace of the gateway's ServiceAccount", 'tailgate')
    .action(async (flags: unknown) => {
      process.stdout.write(await rbacManifest(flags));
    });
}

export async function rbacManifest(flags: unknown): Promise<string> {
  const parsed = RbacFlagsSchema.safeParse(flags);
  if (!parsed.success) throw CliError.usage(`rbac: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const config = parsed.data.config === undefined ? deploymentConfig() : gatewayConfig(parsed.data.config);
  const { renderRbacManifest, BUNDLED_PLUGINS } = await loadGateway();
  return renderRbacManifest(config, BUNDLED_PLUGINS, parsed.data.namespace);
}

/** As the gateway process loads it: the file, then the TAILGATE_* environment overrides. */
function gatewayConfig(file: string): TailgateConfig {
  const loaded = loadConfig({ file });
  if (!loaded.ok) throw new CliError(`gateway config ${file}: ${loaded.problems.join('; ')}`);
  return loaded.config;
}
