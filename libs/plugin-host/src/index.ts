export * from './combine-decisions';
export * from './compile-conditions';
export * from './job-queue';
export * from './load-plugins';
export * from './plugin-context-impl';
export * from './plugin-metrics';
export * from './plugin-registry';
