// Test helpers of @tailgate/plugin-node-file, importable as `@tailgate/plugin-node-file/testing`.
export * from './cri-log-writer';
