// The Kubernetes services the host offers plugins. With a kubeconfig (desktop mode) whose user
// may not read pod logs cluster-wide, the pod watch is narrowed to the namespaces the user may
// read — found with SelfSubject reviews — instead of failing on cluster-scope requests.
import type { TailgateConfig } from '@tailgate/config';
import {
  contextNamespace,
  createKubeSelfApi,
  createKubeServices,
  discoverReadableScope,
  type HttpKubeSelfApi,
  type KubeConfig,
  type KubeServices,
} from '@tailgate/kube';
import type { PluginLogger } from '@tailgate/plugin-sdk';

export interface KubeHostServices extends KubeServices {
  readonly self: HttpKubeSelfApi;
}

export async function createKubeHostServices(config: TailgateConfig, kube: KubeConfig, logger: PluginLogger): Promise<KubeHostServices> {
  const self = await createKubeSelfApi(kube);
  const watched = config.podMetadata.kind === 'kubernetes' ? await namespacesToWatch(kube, self, logger) : kube.podMetadata.namespaces;
  const services = await createKubeServices({ ...kube, podMetadata: { ...kube.podMetadata, namespaces: [...watched] } }, { logger });
  return { ...services, self };
}

/** Configured namespaces win; otherwise, for a kubeconfig user, the readable ones; `[]` means all. */
async function namespacesToWatch(kube: KubeConfig, self: HttpKubeSelfApi, logger: PluginLogger): Promise<readonly string[]> {
  if (kube.podMetadata.namespaces.length > 0 || kube.connection.mode !== 'kubeconfig') return kube.podMetadata.namespaces;
  const context = await contextNamespace(kube.connection);
  try {
    const scope = await discoverReadableScope(self, { candidates: context === undefined ? [] : [context] });
    if (scope.allNamespaces) return [];
    const readable = scope.namespaces.map((ns) => ns.name);
    logger.info({ namespaces: readable.length }, 'watching only the namespaces the kubeconfig user may read');
    return readable.length > 0 ? readable : [context ?? 'default'];
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.name : 'unknown' }, 'could not find the readable namespaces; watching all');
    return [];
  }
}
