// @tailgate/testing: real servers and free ports for integration tests (DESIGN.md §9).
export * from './free-port';
export * from './redis-cluster';
export * from './redis-server';
export * from './redis-server-executable';
