// The gateway configuration the shipped manifests deploy: the `tailgate.yaml` key of the ConfigMap
// in k8s/tailgate.yaml, parsed as the gateway parses it. The file is found by walking up from this
// module: the repository root in a checkout (apps/cli/dist/rbac/…), the package root in the packed
// CLI (scripts/pack-cli.mjs copies it next to the bundle's dist/).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { parseConfig, type TailgateConfig } from '@tailgate/config';
import { parse, parseAllDocuments } from 'yaml';

import { CliError } from '../cli-error';

export const DEPLOYMENT_MANIFEST = join('k8s', 'tailgate.yaml');

export function findDeploymentManifest(from: string = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, DEPLOYMENT_MANIFEST);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

export function deploymentConfig(manifestFile: string | undefined = findDeploymentManifest()): TailgateConfig {
  if (manifestFile === undefined) throw new CliError(`cannot find ${DEPLOYMENT_MANIFEST}; give the gateway config with --config`);
  const documents = parseAllDocuments(readFileSync(manifestFile, 'utf8')).map((doc) => doc.toJS() as unknown);
  const text = documents.map(configMapText).find((found) => found !== undefined);
  if (text === undefined) throw new CliError(`${manifestFile} has no ConfigMap with tailgate.yaml`);
  const parsed = parseConfig(parse(text));
  if (!parsed.ok) throw new CliError(`${manifestFile}: ${parsed.problems.join('; ')}`);
  return parsed.config;
}

function configMapText(doc: unknown): string | undefined {
  if (typeof doc !== 'object' || doc === null || (doc as { kind?: unknown }).kind !== 'ConfigMap') return undefined;
  const value = (doc as { data?: Record<string, unknown> }).data?.['tailgate.yaml'];
  return typeof value === 'string' ? value : undefined;
}
