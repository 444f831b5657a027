// The settings every gateway on the test apiserver shares: bound to 127.0.0.1 on a free port, a
// Redis bus, signed in as the static user `tailgate-gateway`, pods from the apiserver, TokenReview
// and SubjectAccessReview. Suites add their sources, streams, jobs and audit settings.
import type { ClusterTestContext } from '../../cluster/src/test-context';

export interface KubeGatewayOptions {
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly logLevel?: 'silent' | 'warn' | 'info';
}

/** Raw tailgate.yaml settings, for parseConfig. */
export function kubeGatewayConfig(ctx: ClusterTestContext, options: KubeGatewayOptions): Record<string, unknown> {
  return {
    server: { port: 0, host: '127.0.0.1' },
    log: { level: options.logLevel ?? 'info' },
    redis: { url: options.redisUrl, keyPrefix: options.keyPrefix },
    kube: {
      connection: {
        mode: 'explicit',
        server: ctx.cluster.server,
        ca: ctx.cluster.ca,
        token: ctx.cluster.users['tailgate-gateway']!.token,
      },
    },
    podMetadata: { kind: 'kubernetes' },
    authentication: { authenticators: ['kube-token.token-review'] },
    access: { chain: ['kube-rbac.subject-access-review'] },
  };
}
