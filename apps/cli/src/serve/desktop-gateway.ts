// Starts a desktop-mode gateway in this process: the readable namespaces first (from the user's
// kubeconfig), then the gateway with a fresh local token, its warnings on stderr. What the user
// got wrong (no kubeconfig, one that cannot be loaded) comes back as a CliError.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';

import type { ConfigResult, TailgateConfig } from '@tailgate/config';
import { PluginConfigError } from '@tailgate/plugin-sdk';

import { CliError } from '../cli-error';
import { defaultKubeconfigPath } from './default-kubeconfig';
import { desktopGatewayConfig, type DesktopGatewaySettings } from './desktop-gateway-config';
import { type GatewayLibrary, loadGateway } from './load-gateway';
import { stderrLog } from './stderr-log';
import { watchedNamespaces } from './watched-namespaces';

export interface DesktopGatewayOptions {
  /** Default: `$KUBECONFIG`'s first file, else ~/.kube/config. */
  readonly kubeconfig?: string;
  /** Default: the kubeconfig's current-context. */
  readonly context?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** Serve the web UI (`tailgate serve`); default off (`tailgate logs --kubeconfig`). */
  readonly webUi?: boolean;
}

export interface DesktopGateway {
  readonly url: string;
  /** The web UI's address, when it is served. */
  readonly uiUrl: string | undefined;
  readonly token: string;
  readonly kubeconfig: string;
  /** Watched namespaces; empty: all. */
  readonly namespaces: readonly string[];
  close(): Promise<void>;
}

export const LOG_PREFIX = 'tailgate';

export async function startDesktopGateway(options: DesktopGatewayOptions = {}): Promise<DesktopGateway> {
  const kubeconfig = options.kubeconfig ?? defaultKubeconfigPath();
  if (!existsSync(kubeconfig)) throw new CliError(`no kubeconfig at ${kubeconfig} (give --kubeconfig or set KUBECONFIG)`);
  const token = randomBytes(32).toString('base64url');
  const settings = {
    kubeconfig,
    context: options.context,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    token,
    webUi: options.webUi ?? false,
  };
  const gateway = await loadGateway();
  try {
    return await start(settings, gateway);
  } catch (error) {
    if (error instanceof gateway.ConfigurationError) throw new CliError(error.message);
    if (error instanceof PluginConfigError) throw new CliError(`${error.message} (${kubeconfig})`);
    throw error;
  }
}

async function start(settings: Omit<DesktopGatewaySettings, 'namespaces'>, lib: GatewayLibrary): Promise<DesktopGateway> {
  const parsedOrThrow = (result: ConfigResult): TailgateConfig => {
    if (!result.ok) throw new lib.ConfigurationError(result.problems);
    return result.config;
  };
  // Parsed once without namespaces, for the connection the discovery uses; again with them.
  const kube = parsedOrThrow(desktopGatewayConfig({ ...settings, namespaces: [] })).kube;
  if (kube === undefined) throw new lib.ConfigurationError(['kube: desktop mode needs the kubeconfig connection']);
  const namespaces = await watchedNamespaces(kube);
  const config = parsedOrThrow(desktopGatewayConfig({ ...settings, namespaces }));
  const gateway = await lib.startGateway({ config, logDestination: stderrLog(LOG_PREFIX) });
  return {
    url: gateway.url,
    uiUrl: gateway.uiUrl,
    token: settings.token,
    kubeconfig: settings.kubeconfig,
    namespaces,
    close: () => gateway.close(),
  };
}
