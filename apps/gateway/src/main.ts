// Entry point of the gateway process: configuration from tailgate.yaml and the environment.
import 'reflect-metadata';

import { loadConfig } from '@tailgate/config';

import { ConfigurationError, startGateway } from './start-gateway';

async function main(): Promise<void> {
  const loaded = loadConfig();
  if (!loaded.ok) throw new ConfigurationError(loaded.problems);
  const gateway = await startGateway({ config: loaded.config });
  // SIGTERM runs the orderly stop (streams handed over, clients sent elsewhere), then exits 0.
  const stop = (): void => {
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigurationError ? error.message : 'tailgate failed to start'}\n`);
  process.exit(1);
});
