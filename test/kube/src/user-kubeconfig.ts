// A kubeconfig for one user of the test cluster, as `kubectl config` would write it: the cluster's
// CA inline, a context named after the user (in `namespace` when given). Desktop-mode suites hand
// it to the gateway or the CLI, which load it through client-node.
import type { ClusterTestContext } from '../../cluster/src/test-context';

export function userKubeconfig(ctx: ClusterTestContext, name: string, token: string, namespace?: string) {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'test',
        cluster: { server: ctx.cluster.server, 'certificate-authority-data': Buffer.from(ctx.cluster.ca).toString('base64') },
      },
    ],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: 'test', user: name, ...(namespace === undefined ? {} : { namespace }) } }],
    'current-context': name,
  };
}
