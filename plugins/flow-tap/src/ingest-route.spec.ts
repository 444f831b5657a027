import { describe, expect, it } from 'vitest';

import { ingestPath, ingestRoute } from './ingest-route';

describe('ingestRoute', () => {
  it('routes POST and PUT on a tap URL to that tap, and is the inverse of ingestPath', () => {
    const flow = { kind: 'flow', namespace: 'acme', name: 'web' } as const;
    const clusterFlow = { kind: 'clusterflow', namespace: 'logging', name: 'all' } as const;
    expect(ingestRoute('POST', ingestPath(flow), 'logging')).toEqual({ ok: true, tap: flow });
    expect(ingestRoute('put', ingestPath(clusterFlow), 'logging')).toEqual({ ok: true, tap: clusterFlow });
    expect(ingestPath(flow)).toBe('/v1/flow/acme/web');
  });

  it('answers 404 for paths that name no tap, including a ClusterFlow outside the control namespace', () => {
    for (const path of [
      '',
      '/',
      '/v1',
      '/v1/',
      '/v1/flow/acme',
      '/v1/flow/acme/web/',
      '/v1/flow/ACME/web',
      '/v1/clusterflow/acme/all',
      '/x/flow/acme/web',
    ]) {
      expect(ingestRoute('POST', path, 'logging'), path).toEqual({ ok: false, status: 404 });
    }
  });

  it('answers 405 for other methods on a tap URL', () => {
    for (const method of ['GET', 'DELETE', 'PATCH', 'OPTIONS'])
      expect(ingestRoute(method, '/v1/flow/acme/web', 'logging')).toEqual({ ok: false, status: 405 });
  });
});
