export * from './config-table';
export * from './env-overrides';
export * from './load-config';
export * from './tailgate-config.schema';
