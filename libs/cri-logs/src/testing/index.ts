// Test helpers of @tailgate/cri-logs, importable as `@tailgate/cri-logs/testing`.
export * from './cri-log-writer';
