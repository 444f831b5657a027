// The gateway the agent suites run on the real apiserver: the shared kube gateway settings and
// agent-pod-logs with each suite's own settings. Only the agent-pod-logs block differs between them.
import type { ClusterTestContext } from '../../cluster/src/test-context';
import { kubeGatewayConfig } from './kube-gateway-config';

export interface AgentGatewayOptions {
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly agentPodLogs: Readonly<Record<string, unknown>>;
  readonly logLevel?: 'warn' | 'info';
}

/** Raw tailgate.yaml settings, for parseConfig. */
export function agentGatewayConfig(ctx: ClusterTestContext, options: AgentGatewayOptions): Record<string, unknown> {
  return {
    ...kubeGatewayConfig(ctx, options),
    streams: { idleGraceMs: 200 },
    plugins: { 'kube-token': {}, 'kube-rbac': {}, 'agent-pod-logs': options.agentPodLogs },
  };
}
