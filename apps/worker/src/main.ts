// Entry point of the worker process (same image as the gateway, another command:
// `node apps/worker/dist/main.js`): tailgate.yaml ($TAILGATE_CONFIG) and the environment, as the
// gateway reads them, then the composition root. SIGTERM and SIGINT run its shutdown sequence and
// exit 0; a start that fails prints `tailgate-worker <code>: <message>` and exits 1.
import { loadConfig } from '@tailgate/config';

import { startWorker } from './start-worker';
import { errorCode, WorkerError } from './worker-error';

async function main(): Promise<void> {
  const loaded = loadConfig();
  if (!loaded.ok) throw new WorkerError('config_invalid', 'the configuration has problems', loaded.problems);
  const worker = await startWorker(loaded.config);
  const stop = (signal: NodeJS.Signals): void => {
    worker.stop(signal).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  const text =
    error instanceof WorkerError ? `${error.code}: ${error.message}` : `internal: the worker failed to start (${errorCode(error)})`;
  process.stderr.write(`tailgate-worker ${text}\n`);
  process.exit(1);
});
