export * from './client-events';
export * from './error-codes';
export * from './handshake';
export * from './protocol-version';
export * from './server-events';
export * from './server-event-builders';
export * from './server-event-schemas';
export * from './since';
