import { describe, expect, it } from 'vitest';

import { socketAddress } from './socket-address';
import { TailgateError } from './tailgate-error';

describe('socketAddress', () => {
  it('uses the /logs namespace and /socket.io at the root', () => {
    expect(socketAddress('http://127.0.0.1:8080', undefined)).toEqual({ uri: 'http://127.0.0.1:8080/logs', path: '/socket.io' });
    expect(socketAddress('http://127.0.0.1:8080/', undefined)).toEqual({ uri: 'http://127.0.0.1:8080/logs', path: '/socket.io' });
  });

  it('keeps a path prefix for the engine, not the namespace', () => {
    expect(socketAddress('https://portal.example/tools/tailgate/', undefined)).toEqual({
      uri: 'https://portal.example/logs',
      path: '/tools/tailgate/socket.io',
    });
  });

  it("falls back to the page's origin", () => {
    expect(socketAddress(undefined, 'https://portal.example')).toEqual({ uri: 'https://portal.example/logs', path: '/socket.io' });
  });

  it('refuses no URL at all, and what is not an http or ws URL, with a typed error', () => {
    for (const url of [undefined, 'not a url', 'ftp://example']) {
      let thrown: unknown;
      try {
        socketAddress(url, undefined);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TailgateError);
      expect((thrown as TailgateError).code).toBe('connection_failed');
    }
  });
});
