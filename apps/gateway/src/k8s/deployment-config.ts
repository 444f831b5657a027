// The gateway configuration shipped in k8s/tailgate.yaml (its ConfigMap), parsed as the gateway
// would parse it: the RBAC manifest is rendered from it and tests run a gateway with it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseConfig, type TailgateConfig } from '@tailgate/config';
import { parse, parseAllDocuments } from 'yaml';

export const K8S_DIR = join(__dirname, '../../../../k8s');

/** Every document of a manifest file, as plain objects. */
export function readManifests(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(join(K8S_DIR, file), 'utf8')).map((doc) => doc.toJS() as Record<string, unknown>);
}

export function deploymentConfig(): TailgateConfig {
  const configMap = readManifests('tailgate.yaml').find((doc) => doc.kind === 'ConfigMap') as { data: Record<string, string> } | undefined;
  const text = configMap?.data['tailgate.yaml'];
  if (text === undefined) throw new Error('k8s/tailgate.yaml has no ConfigMap with tailgate.yaml');
  const parsed = parseConfig(parse(text));
  if (!parsed.ok) throw new Error(`k8s/tailgate.yaml: ${parsed.problems.join('; ')}`);
  return parsed.config;
}
