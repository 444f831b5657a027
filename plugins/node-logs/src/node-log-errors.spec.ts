import { describe, expect, it } from 'vitest';

import { type FailedAnswer, MESSAGES, nodeLogQueryError } from './node-log-errors';

describe('nodeLogQueryError', () => {
  it.each([
    [{ status: 400, message: 'tailLines: Invalid value: "x": strconv.Atoi …' }, 'invalid_request', MESSAGES.invalid],
    [{ status: 406, message: 'boot: Invalid value: 1: must be less than 1' }, 'invalid_request', MESSAGES.invalid],
    [
      { status: 406, message: 'query: Invalid value: ["pods/x.log"]: statat pods/x.log: no such file or directory' },
      'invalid_request',
      MESSAGES.noFile,
    ],
    [{ status: 403, reason: 'Forbidden', message: 'User "x" cannot get resource "nodes/proxy"' }, 'forbidden', MESSAGES.forbidden],
    [{ status: 404, reason: 'NotFound', message: 'nodes "nope" not found' }, 'not_found', MESSAGES.noNode],
    [{ status: 404, message: '404 page not found' }, 'not_found', MESSAGES.notServed],
    [
      { status: 503, reason: 'ServiceUnavailable', message: 'error trying to reach service: dial tcp' },
      'upstream_unavailable',
      MESSAGES.unavailable,
    ],
    [{ status: 500, message: 'boom' }, 'upstream_unavailable', MESSAGES.unavailable],
    [{ status: 429, reason: 'TooManyRequests' }, 'upstream_unavailable', MESSAGES.unavailable],
  ])('maps %j to %s with a fixed message', (answer: FailedAnswer, code, message) => {
    const error = nodeLogQueryError(answer);
    expect(error.code).toBe(code);
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.details).toEqual({ status: answer.status });
    // The upstream's text never travels on.
    if (answer.message !== undefined) expect(error.message).not.toContain(answer.message);
  });
});
