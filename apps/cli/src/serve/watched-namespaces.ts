// The namespaces a desktop gateway watches pods in: all of them when the kubeconfig user may read
// pod logs cluster-wide, otherwise only those the user may read (found with SelfSubject reviews,
// starting from the context's namespace) — so a namespace-only user gets their namespaces, not
// "forbidden at the cluster scope". The same policy as the gateway's own (kube-host-services.ts),
// run here once so `tailgate serve` can name the namespaces and the gateway need not ask again.
// Unlike the gateway, a cluster that cannot be asked fails the command: on a laptop, at once is
// better than a gateway that retries a watch the user may not be allowed.
import { contextNamespace, createKubeSelfApi, discoverReadableScope, type KubeConfig } from '@tailgate/kube';

import { CliError } from '../cli-error';
import { EXIT_CODES } from '../exit-codes';

/** Empty: every namespace. */
export async function watchedNamespaces(kube: Pick<KubeConfig, 'connection' | 'requestTimeoutMs'>): Promise<readonly string[]> {
  const context = await contextNamespace(kube.connection);
  const api = await createKubeSelfApi(kube);
  const scope = await discoverReadableScope(api, { candidates: context === undefined ? [] : [context] }).catch((error: unknown) => {
    const name = error instanceof Error ? error.name : 'error';
    throw new CliError(`cannot ask the cluster which namespaces you may read (${name})`, EXIT_CODES.connectionFailed);
  });
  if (scope.allNamespaces) return [];
  const readable = scope.namespaces.map((ns) => ns.name);
  return readable.length > 0 ? readable : [context ?? 'default'];
}
