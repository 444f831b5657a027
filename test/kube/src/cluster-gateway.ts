// A gateway on the test cluster as most cluster suites want it: signed in to the apiserver as
// `tailgate-gateway`, users signed in by TokenReview (kube-token), judged by SubjectAccessReview
// (kube-rbac), plus the plugins a suite adds; 127.0.0.1, a free port, a silent log.
import { parseConfig } from '@tailgate/config';

import { type RunningGateway, startGateway } from '../../../apps/gateway/src/start-gateway';
import type { ClusterTestContext } from '../../cluster/src/test-context';

export interface ClusterGatewayOptions {
  /** Plugins besides kube-token and kube-rbac, or their settings. */
  readonly plugins?: Readonly<Record<string, unknown>>;
  /** Merged over `{ chain: [kube-rbac.subject-access-review] }`. */
  readonly access?: Readonly<Record<string, unknown>>;
  /** `{ kind: 'kubernetes' }` for authoritative pod labels from the apiserver; default none. */
  readonly podMetadata?: Readonly<Record<string, unknown>>;
  /** The `audit:` section; default off. */
  readonly audit?: Readonly<Record<string, unknown>>;
}

export async function startClusterGateway(ctx: ClusterTestContext, options: ClusterGatewayOptions = {}): Promise<RunningGateway> {
  const parsed = parseConfig({
    server: { port: 0, host: '127.0.0.1' },
    log: { level: 'silent' },
    kube: {
      connection: { mode: 'explicit', server: ctx.cluster.server, ca: ctx.cluster.ca, token: ctx.cluster.users['tailgate-gateway']!.token },
    },
    authentication: { authenticators: ['kube-token.token-review'] },
    access: { chain: ['kube-rbac.subject-access-review'], ...options.access },
    ...(options.podMetadata === undefined ? {} : { podMetadata: options.podMetadata }),
    ...(options.audit === undefined ? {} : { audit: options.audit }),
    plugins: { 'kube-token': {}, 'kube-rbac': {}, ...options.plugins },
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return startGateway({ config: parsed.config });
}
