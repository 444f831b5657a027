import { END_REASONS, ERROR_CODES } from '@tailgate/contracts';
import { describe, expect, it } from 'vitest';

import { afterRefusedReconnect, afterRefusedResubscribe, afterServerEnd } from './reconnect-policy';
import { CLIENT_ERROR_CODES } from './tailgate-error';

const ALL_CODES = [...ERROR_CODES, ...CLIENT_ERROR_CODES];

describe('afterServerEnd', () => {
  it('resumes after a shutdown, and after unauthenticated only with a token provider', () => {
    const fixed = { reconnects: true, tokenRenews: false };
    const provider = { reconnects: true, tokenRenews: true };
    expect(END_REASONS.filter((reason) => afterServerEnd(reason, fixed) === 'resume')).toEqual(['shutdown']);
    expect(END_REASONS.filter((reason) => afterServerEnd(reason, provider) === 'resume')).toEqual(['unauthenticated', 'shutdown']);
  });

  it('ends on every reason without reconnection', () => {
    const off = { reconnects: false, tokenRenews: true };
    expect(END_REASONS.filter((reason) => afterServerEnd(reason, off) === 'resume')).toEqual([]);
  });
});

describe('afterRefusedReconnect', () => {
  it('gives up only where another attempt would be refused the same way', () => {
    expect(ALL_CODES.filter((code) => afterRefusedReconnect(code) === 'give-up')).toEqual(['invalid_request', 'unauthenticated']);
  });
});

describe('afterRefusedResubscribe', () => {
  it('reconnects for a replica shutting down or a missing answer, and ends for the rest', () => {
    expect(ALL_CODES.filter((code) => afterRefusedResubscribe(code) === 'reconnect')).toEqual(['upstream_unavailable', 'timeout']);
  });
});
