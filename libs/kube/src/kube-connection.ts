// How to reach kube-apiserver: explicit `{server, ca, token}`, a kubeconfig file, or the pod's
// in-cluster ServiceAccount. Kubeconfig and in-cluster credentials are loaded by client-node's
// KubeConfig (exec plugins, client certificates, token-file rotation), requests are ours.
import type { RequestOptions } from 'node:https';

import { PluginConfigError } from '@tailgate/plugin-sdk';
import { z } from 'zod';

export const KubeConnectionSchema = z
  .discriminatedUnion('mode', [
    z.strictObject({
      mode: z.literal('explicit'),
      server: z.url().describe('https://host:port of kube-apiserver.'),
      ca: z.string().min(1).optional().describe('PEM of the CA that signs the apiserver; default: the system roots.'),
      token: z.string().min(1).describe('Bearer token of the gateway identity. Never logged.'),
    }),
    z.strictObject({
      mode: z.literal('kubeconfig'),
      path: z.string().min(1).describe('Path of a kubeconfig file.'),
      context: z.string().min(1).optional().describe("Context to use; default: the file's current-context."),
    }),
    z.strictObject({ mode: z.literal('in-cluster') }),
  ])
  .default({ mode: 'in-cluster' })
  .describe('Connection to kube-apiserver; default in-cluster (the pod ServiceAccount).');
export type KubeConnection = z.output<typeof KubeConnectionSchema>;

/** A server and a way to put credentials on each request (tokens may rotate between requests). */
export interface KubeEndpoint {
  readonly server: URL;
  authorize(options: RequestOptions): Promise<void>;
}

export async function openKubeEndpoint(connection: KubeConnection): Promise<KubeEndpoint> {
  if (connection.mode === 'explicit') return explicitEndpoint(connection.server, connection.token, connection.ca);
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    if (connection.mode === 'in-cluster') kc.loadFromCluster();
    else kc.loadFromFile(connection.path);
    if (connection.mode === 'kubeconfig' && connection.context !== undefined) kc.setCurrentContext(connection.context);
  } catch (error) {
    throw new PluginConfigError(`kube connection (${connection.mode}) cannot be loaded`, { cause: error });
  }
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new PluginConfigError(`kube connection (${connection.mode}) names no cluster server`);
  return { server: new URL(server), authorize: (options) => kc.applyToHTTPSOptions(options) };
}

function explicitEndpoint(server: string, token: string, ca: string | undefined): KubeEndpoint {
  return {
    server: new URL(server),
    authorize(options) {
      options.headers = { ...options.headers, authorization: `Bearer ${token}` };
      if (ca !== undefined) options.ca = ca;
      return Promise.resolve();
    },
  };
}
