// The configuration of a desktop-mode gateway, built from the few things `tailgate serve` and
// `tailgate logs --kubeconfig` know: the kubeconfig (its user's own rights decide access through
// kube-self), where to listen, the local token, and the namespaces to watch. Pure, so the choice
// of plugins and settings is checked without a cluster.
import { type ConfigResult, isLoopbackHost, parseConfig } from '@tailgate/config';

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
  /** Serve the web UI, whose page signs itself in on a loopback host (`tailgate serve`); off for `tailgate logs`. */
  readonly webUi: boolean;
}

export function desktopGatewayConfig(settings: DesktopGatewaySettings): ConfigResult {
  const connection = {
    mode: 'kubeconfig',
    path: settings.kubeconfig,
    ...(settings.context === undefined ? {} : { context: settings.context }),
  };
  return parseConfig({
    server: {
      host: settings.host,
      port: settings.port,
      webUi: settings.webUi,
      // The page the gateway serves gets the token from GET /api/v1/session, on this machine only
      // (docs/security.md "Desktop sign-in"); on any other host it is pasted.
      ...(settings.webUi && isLoopbackHost(settings.host) && { desktopSession: { token: settings.token } }),
    },
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
