// @tailgate/jobs: the runners of the plugins' control-plane jobs — BullMQ on Redis (the worker,
// and the gateway as a producer) and in process (the gateway without Redis), with the same rules.
export * from './backoff-delay';
export * from './bullmq-job-runner';
export * from './bullmq-prefix';
export * from './every-schedule';
export * from './host-jobs';
export * from './in-process-job-runner';
export * from './job-deferral';
export * from './job-failure';
export * from './job-metrics';
export * from './job-queue-error';
export * from './job-runner';
export * from './prom-job-metrics';
