import { describe, expect, it } from 'vitest';

import { InputError, isPluginError, NotAllowedError, UpstreamUnavailableError } from './errors';

describe('plugin errors', () => {
  it('carry their code and safe details', () => {
    const error = new InputError('bad selector', { details: { field: 'pod' } });
    expect(error.code).toBe('invalid_request');
    expect(error.name).toBe('InputError');
    expect(error.details).toEqual({ field: 'pod' });
    expect(new NotAllowedError('no').code).toBe('forbidden');
  });

  it('are told apart from system errors by code, across copies of the SDK', () => {
    const foreignCopy = Object.assign(new Error('from another copy'), { code: 'upstream_unavailable' });
    expect(isPluginError(new UpstreamUnavailableError('x'))).toBe(true);
    expect(isPluginError(foreignCopy)).toBe(true);
    expect(isPluginError(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }))).toBe(false);
    expect(isPluginError({ code: 'forbidden' })).toBe(false);
  });
});
