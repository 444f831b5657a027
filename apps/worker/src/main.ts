// Entry point of the worker process (same image as the gateway, another command:
// `node apps/worker/dist/main.js`): tailgate.yaml ($TAILGATE_CONFIG) and the environment, as the
// gateway reads them, then the composition root. SIGTERM and SIGINT run its shutdown sequence and
// exit 0; a start that fails prints `tailgate-worker <code>: <message>` and exits 1 (runProcess).
import { loadConfig } from '@tailgate/config';
import { runProcess } from '@tailgate/process';

import { startWorker } from './start-worker';
import { WorkerError } from './worker-error';

runProcess({
  command: 'tailgate-worker',
  role: 'worker',
  start: async () => {
    const loaded = loadConfig();
    if (!loaded.ok) throw new WorkerError('config_invalid', 'the configuration has problems', loaded.problems);
    return startWorker(loaded.config);
  },
});
