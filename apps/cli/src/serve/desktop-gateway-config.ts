// The configuration of a desktop-mode gateway, built from the few things `tailgate serve` and
// `tailgate logs --kubeconfig` know: the kubeconfig (its user's own rights decide access through
// kube-self), where to listen, the local token, and the namespaces to watch. Pure, so the choice
// of plugins and settings is checked without a cluster.
import { type ConfigResult, parseConfig } from '@tailgate/config';

export interface DesktopGatewaySettings {
  readonly kubeconfig: string;
  /** Kubeconfig context; default the file's current-context. */
  readonly context?: string;
  readonly host: string;
  /** 0: a free port. */
  readonly port: number;
  /** The one bearer token that signs in as the kubeconfig user. */
  readonly token: string;
  /** Namespaces the pod watch covers; empty: all (the user may read every namespace). */
  readonly namespaces: readonly string[];
}

export function desktopGatewayConfig(settings: DesktopGatewaySettings): ConfigResult {
  const connection = {
    mode: 'kubeconfig',
    path: settings.kubeconfig,
    ...(settings.context === undefined ? {} : { context: settings.context }),
  };
  return parseConfig({
    server: { host: settings.host, port: settings.port },
    // Warnings at most, and only to stderr (see stderr-log.ts): the terminal belongs to the user.
    log: { level: 'warn' },
    kube: { connection, podMetadata: { namespaces: [...settings.namespaces] } },
    podMetadata: { kind: 'kubernetes' },
    authentication: { authenticators: ['kube-self.local-token'] },
    access: { chain: ['kube-self.self-access-review'] },
    plugins: {
      'kube-self': { token: settings.token },
      // A subscription naming no namespace reads these, not a cluster-wide watch the user may not make.
      'kube-pod-logs': { namespaces: [...settings.namespaces] },
    },
  });
}
