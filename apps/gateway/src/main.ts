// Entry point of the gateway process: configuration from tailgate.yaml and the environment.
import 'reflect-metadata';

import { loadConfig } from '@tailgate/config';

import { ConfigurationError, startGateway } from './start-gateway';

async function main(): Promise<void> {
  const loaded = loadConfig();
  if (!loaded.ok) throw new ConfigurationError(loaded.problems);
  await startGateway({ config: loaded.config });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigurationError ? error.message : 'tailgate failed to start'}\n`);
  process.exit(1);
});
