// Where the handles `addJob()` returns put their runs: the host's job runner (BullMQ on Redis, in
// process without). A host that runs no jobs passes none, and `enqueue` then rejects.
import type { EnqueueOptions } from '@tailgate/plugin-sdk';

export interface JobQueue {
  /** Queues one run of `<pluginId>.<name>` with data its schema already accepted. */
  enqueue(name: string, data: unknown, options?: EnqueueOptions): Promise<void>;
}
