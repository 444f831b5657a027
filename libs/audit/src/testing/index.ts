export * from './audit-samples';
export * from './memory-audit-sink';
