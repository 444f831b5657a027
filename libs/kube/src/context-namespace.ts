// The namespace a connection's credentials point at by default: the kubeconfig context's
// `namespace`, or the pod's own namespace in-cluster. Desktop discovery starts from it when
// the user may not list namespaces.
import { readFile } from 'node:fs/promises';

import { PluginConfigError } from '@tailgate/plugin-sdk';

import type { KubeConnection } from './kube-connection';

const IN_CLUSTER_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** Undefined when the connection names none (explicit mode, a context without `namespace`). */
export async function contextNamespace(connection: KubeConnection): Promise<string | undefined> {
  if (connection.mode === 'explicit') return undefined;
  if (connection.mode === 'in-cluster') {
    const text = await readFile(IN_CLUSTER_NAMESPACE, 'utf8').catch(() => '');
    return text.trim() || undefined;
  }
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(connection.path);
  } catch (error) {
    throw new PluginConfigError('kube connection (kubeconfig) cannot be loaded', { cause: error });
  }
  return kc.getContextObject(connection.context ?? kc.getCurrentContext())?.namespace || undefined;
}
