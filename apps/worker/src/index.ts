// @tailgate/worker: the worker process's composition root, for tests and tools (main.ts runs it).
export * from './start-worker';
export * from './worker-error';
export * from './worker-metrics';
export * from './worker-plugins';
