// How a command reaches a gateway: a remote server (--server, TAILGATE_SERVER or the config
// file's `server`, with --token / TAILGATE_TOKEN / `token`), or desktop mode — a gateway started
// in this process that signs the user in with their kubeconfig identity (--kubeconfig/--context,
// or the config file's `kubeconfig`/`context` when no server is set). The embedded gateway loads
// the gateway library itself, only when started, so remote commands start quickly.
import { connect, type TailgateClient } from '@tailgate/client';

import { CliError } from '../cli-error';
import type { CliConfig } from '../config/cli-config';
import { EXIT_CODES } from '../exit-codes';
import { startEmbeddedGateway } from '../serve/embedded-gateway';

export interface ConnectionFlags {
  readonly server?: string;
  readonly token?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
}

export interface OpenConnection {
  readonly client: TailgateClient;
  close(): Promise<void>;
}

export type ConnectionTarget =
  | { readonly mode: 'remote'; readonly url: string; readonly token?: string }
  | { readonly mode: 'desktop'; readonly kubeconfig?: string; readonly context?: string };

/**
 * Which gateway to use. Flags win over the config file; --kubeconfig/--context on the command
 * line mean desktop mode even when the config file names a server.
 */
export function connectionTarget(flags: ConnectionFlags, config: CliConfig): ConnectionTarget {
  const desktopFlags = flags.kubeconfig !== undefined || flags.context !== undefined;
  if (flags.server !== undefined && desktopFlags) {
    throw CliError.usage('--server cannot be combined with --kubeconfig or --context (desktop mode)');
  }
  const server = flags.server ?? (desktopFlags ? undefined : config.server);
  if (server !== undefined) {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw CliError.usage('--server is not a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw CliError.usage('--server must be an http(s) URL');
    const token = flags.token ?? config.token;
    return { mode: 'remote', url: server, ...(token !== undefined && { token }) };
  }
  const kubeconfig = flags.kubeconfig ?? config.kubeconfig;
  const context = flags.context ?? config.context;
  return { mode: 'desktop', ...(kubeconfig !== undefined && { kubeconfig }), ...(context !== undefined && { context }) };
}

export async function openConnection(flags: ConnectionFlags, config: CliConfig): Promise<OpenConnection> {
  const target = connectionTarget(flags, config);
  if (target.mode === 'remote') {
    const client = await connectOnce(target.url, target.token);
    return { client, close: async () => client.close() };
  }
  let gateway;
  try {
    gateway = await startEmbeddedGateway({
      ...(target.kubeconfig !== undefined && { kubeconfig: target.kubeconfig }),
      ...(target.context !== undefined && { context: target.context }),
    });
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `could not start the desktop gateway (${error instanceof Error ? error.name : 'error'})`,
      EXIT_CODES.connectionFailed,
    );
  }
  try {
    const client = await connectOnce(gateway.url, gateway.token);
    return {
      client,
      close: async () => {
        client.close();
        await gateway.close();
      },
    };
  } catch (error) {
    await gateway.close();
    throw error;
  }
}

/** The first connection must succeed; afterwards the client reconnects on its own. */
async function connectOnce(url: string, token: string | undefined): Promise<TailgateClient> {
  return connect({ url, ...(token !== undefined && { token }), connectTimeoutMs: 10_000 });
}
