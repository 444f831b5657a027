// A gateway inside the CLI process, in desktop mode: it listens on loopback, reaches the cluster
// with the user's own kubeconfig, and signs in exactly one caller — whoever holds the fresh local
// token — as that kubeconfig user. `tailgate logs --kubeconfig` runs one for the length of a
// command.
import { startDesktopGateway } from './desktop-gateway';

export interface EmbeddedGateway {
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

export async function startEmbeddedGateway(options: { kubeconfig?: string; context?: string; port?: number }): Promise<EmbeddedGateway> {
  const desktop = await startDesktopGateway(options);
  return { url: desktop.url, token: desktop.token, close: () => desktop.close() };
}
