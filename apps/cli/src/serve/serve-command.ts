// `tailgate serve`: a gateway in this process until Ctrl-C — desktop mode (the user's kubeconfig,
// their own rights, loopback only) or, with --demo, the built-in demo without a cluster.
import type { Command } from 'commander';

import { loadCliConfig } from '../config/cli-config';
import { startDemoGateway } from './demo-gateway';
import { startDesktopGateway } from './desktop-gateway';
import { listenError } from './listen-error';
import { demoBanner, desktopBanner } from './serve-banner';
import { parseServeOptions, type ServeOptions } from './serve-options';
import { nextStopSignal } from './stop-signal';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run a gateway on this machine that signs you in with your kubeconfig (desktop mode), until Ctrl-C')
    .option('--kubeconfig <file>', 'kubeconfig to read the cluster with (default: $KUBECONFIG, else ~/.kube/config)')
    .option('--context <name>', "kubeconfig context (default: the file's current-context)")
    .option('--port <port>', 'port to listen on (default: a free one; 8080 with --demo)')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--allow-remote', 'allow a --host other machines can reach (plain HTTP; the token carries your rights)')
    .option('--demo', 'run the built-in demo instead: make-believe pods and users, no cluster')
    .action(async (flags: unknown) => {
      const config = loadCliConfig();
      await serve(parseServeOptions(flags, { kubeconfig: config.kubeconfig, context: config.context }));
    });
}

async function serve(options: ServeOptions): Promise<void> {
  // Listened for from the start: Ctrl-C while the gateway starts still stops it in order.
  const stopped = nextStopSignal();
  const start = options.mode === 'demo' ? startDemo(options) : startDesktop(options);
  const running = await start.catch((error: unknown) => {
    throw listenError(error, options.host, options.port);
  });
  await stopped;
  await running.close();
}

async function startDesktop(options: ServeOptions): Promise<{ close(): Promise<void> }> {
  const gateway = await startDesktopGateway({ ...options, webUi: true });
  const { url, uiUrl, token, kubeconfig, namespaces } = gateway;
  process.stdout.write(
    desktopBanner({ url, token, kubeconfig, namespaces, ...(uiUrl && { uiUrl }), ...(options.context && { context: options.context }) }),
  );
  return gateway;
}

async function startDemo(options: ServeOptions): Promise<{ close(): Promise<void> }> {
  const demo = await startDemoGateway(options);
  process.stdout.write(demoBanner(demo.facts));
  return demo;
}
