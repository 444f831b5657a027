// Builds the plugin's agent authentication from its settings at boot: the session keys (from the
// secret file, read once here so a missing or short secret stops the gateway with the problem
// named), the session endpoint on the plugin's HTTP path, and the verifier every agent channel
// subscription goes through. With mode none: a verifier that lets everything pass, no endpoint.
import { readFileSync } from 'node:fs';

import type { KubeApi } from '@tailgate/kube';
import { type PluginHttp, type PluginLogger, type PluginMetrics, PluginConfigError } from '@tailgate/plugin-sdk';

import { AGENT_PLUGIN_ID } from './agent-channels';
import { AgentMessageVerifier } from './agent-message-verifier';
import type { AgentAuthenticationConfig } from './agent-pod-logs-config';
import { AgentSessionEndpoint } from './agent-session-endpoint';
import { AgentSessionKeys } from './agent-session-keys';

/** Shortest secret accepted, in bytes. */
export const MIN_SECRET_BYTES = 32;
/**
 * How the chart's example values sets begin their session secret: published in the repository,
 * so whoever read it could sign for every node. Refused, so an example cannot reach a cluster.
 */
export const EXAMPLE_SECRET_PREFIX = 'example-only-';

export interface AgentAuthenticationDeps {
  readonly kube: () => KubeApi | undefined;
  readonly http: () => PluginHttp | undefined;
  readonly metrics: PluginMetrics;
  readonly logger: PluginLogger;
}

export interface AgentAuthentication {
  readonly verifier: AgentMessageVerifier;
  /** The keys, for the embedded agent (it is the gateway: it signs without a review). */
  readonly keys: AgentSessionKeys | undefined;
}

export function setUpAgentAuthentication(config: AgentAuthenticationConfig, deps: AgentAuthenticationDeps): AgentAuthentication {
  if (config.mode === 'none') return { verifier: new AgentMessageVerifier(undefined, deps.metrics, deps.logger), keys: undefined };
  const problems: string[] = [];
  const secret = readSecret(config.secretFile, problems);
  const kube = deps.kube();
  if (kube === undefined) problems.push('agentAuthentication.mode token-review needs kube (TokenReview); use mode none without a cluster');
  const http = deps.http();
  if (http === undefined) problems.push('agentAuthentication.mode token-review needs the plugin HTTP service');
  if (secret === undefined || kube === undefined || http === undefined)
    throw new PluginConfigError(`${AGENT_PLUGIN_ID}: ${problems.join('; ')}`);
  const keys = new AgentSessionKeys(secret, config.keyTtlMs);
  const endpoint = new AgentSessionEndpoint(kube, keys, config, deps.metrics, deps.logger);
  http.mount(AGENT_PLUGIN_ID, endpoint.handle);
  return { verifier: new AgentMessageVerifier(keys, deps.metrics, deps.logger), keys };
}

function readSecret(file: string | undefined, problems: string[]): Buffer | undefined {
  if (file === undefined) {
    problems.push('agentAuthentication.secretFile is required with mode token-review');
    return undefined;
  }
  let secret: Buffer;
  try {
    secret = readFileSync(file);
  } catch (error) {
    problems.push(`agentAuthentication.secretFile cannot be read (${(error as { code?: string }).code ?? 'unknown'})`);
    return undefined;
  }
  if (secret.length < MIN_SECRET_BYTES) {
    problems.push(`agentAuthentication.secretFile holds fewer than ${MIN_SECRET_BYTES} bytes`);
    return undefined;
  }
  if (secret.subarray(0, EXAMPLE_SECRET_PREFIX.length).toString('latin1') === EXAMPLE_SECRET_PREFIX) {
    problems.push(
      `agentAuthentication.secretFile holds the published example secret (${EXAMPLE_SECRET_PREFIX}…): write a random one (head -c 48 /dev/urandom | base64)`,
    );
    return undefined;
  }
  return secret;
}
