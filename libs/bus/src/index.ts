// @tailgate/bus: the log bus (in-process, Redis and Redis Cluster) with its replay buffers, its
// channel names and the Redis connection factories.
export * from './cluster-key-slot';
export * from './create-log-bus';
export * from './handler-errors';
export * from './in-process-log-bus';
export * from './in-process-log-hub';
export * from './log-bus';
export * from './log-bus-errors';
export * from './message-ids';
export * from './redact-redis-url';
export * from './redis-connection-settings';
export * from './redis-connections';
export * from './redis-log-bus';
export * from './redis-log-bus-settings';
export * from './redis-shared-state';
export * from './replay-settings';
export * from './stream-channels';
