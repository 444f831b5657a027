// @tailgate/process: what the processes beside the gateway (the node agent, the worker) share
// around their own composition roots.
export * from './health-server';
export * from './process-error';
export * from './process-logger';
export * from './run-process';
export * from './shutdown-sequence';
