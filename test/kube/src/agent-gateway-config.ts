// The gateway the agent suites run on the real apiserver: Redis bus, pods from the apiserver,
// kube-token + kube-rbac, and agent-pod-logs with each suite's own settings. Only the
// agent-pod-logs block differs between them.
import type { ClusterTestContext } from '../../cluster/src/test-context';

export interface AgentGatewayOptions {
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly agentPodLogs: Readonly<Record<string, unknown>>;
  readonly logLevel?: 'warn' | 'info';
}

/** Raw tailgate.yaml settings, for parseConfig. */
export function agentGatewayConfig(ctx: ClusterTestContext, options: AgentGatewayOptions): Record<string, unknown> {
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
    streams: { idleGraceMs: 200 },
    plugins: { 'kube-token': {}, 'kube-rbac': {}, 'agent-pod-logs': options.agentPodLogs },
  };
}
