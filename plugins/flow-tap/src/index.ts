export * from './tap-ref';
