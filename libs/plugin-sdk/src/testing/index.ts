export * from './collect-backlog';
export * from './collect-stream';
export * from './describe-authenticator';
export * from './describe-authorizer';
export * from './describe-log-source';
export * from './memory-plugin-bus';
export * from './memory-pod-metadata';
export * from './test-plugin-context';
