export * from './collect-backlog';
export * from './collect-stream';
export * from './describe-authenticator';
export * from './describe-authorizer';
export * from './describe-log-source';
export * from './test-plugin-context';
