import { describe, expect, it } from 'vitest';

import { errorForNetwork, errorForStatus, ResourceVersionExpiredError } from './kube-errors';

describe('errorForStatus', () => {
  it('maps statuses to SDK error codes, naming only the request', () => {
    const codes = [400, 401, 403, 404, 410, 422, 429, 500, 503].map((status) => errorForStatus(status, 'POST /x').code);
    expect(codes).toEqual([
      'invalid_request',
      'forbidden',
      'forbidden',
      'not_found',
      'upstream_unavailable',
      'invalid_request',
      'upstream_unavailable',
      'upstream_unavailable',
      'upstream_unavailable',
    ]);
    expect(errorForStatus(410, 'GET /p')).toBeInstanceOf(ResourceVersionExpiredError);
    expect(errorForStatus(503, 'POST /x').message).toBe('kube-apiserver answered 503 to POST /x');
  });

  it('names a network failure by its system code', () => {
    const error = errorForNetwork(
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443 token=abc'), { code: 'ECONNREFUSED' }),
      'POST /x',
    );
    expect(error.code).toBe('upstream_unavailable');
    expect(error.message).toBe('kube-apiserver unreachable for POST /x (ECONNREFUSED)');
  });
});
