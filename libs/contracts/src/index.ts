export * from './client-events';
export * from './error-codes';
export * from './handshake';
export * from './protocol-version';
export * from './server-events';
