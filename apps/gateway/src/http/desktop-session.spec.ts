import { describe, expect, it } from 'vitest';

import { DesktopSession, type SessionRequest, sessionRefusal } from './desktop-session';

const TOKEN = 'the-local-token-0123456789';
const at = (host: string | undefined, extra: Partial<SessionRequest> = {}): SessionRequest => ({
  host,
  origin: undefined,
  secFetchSite: undefined,
  port: 8080,
  ...extra,
});

describe('sessionRefusal', () => {
  it('lets a same-origin page on a loopback name of this port have the token', () => {
    for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'LOCALHOST:8080']) {
      expect(sessionRefusal(at(host), '127.0.0.1')).toBeUndefined();
      expect(
        sessionRefusal(at(host, { origin: `http://${host.toLowerCase()}`, secFetchSite: 'same-origin' }), '127.0.0.1'),
      ).toBeUndefined();
    }
    expect(sessionRefusal(at('127.0.0.1:8080', { secFetchSite: 'none' }), '127.0.0.1')).toBeUndefined();
    expect(sessionRefusal(at('127.4.5.6:8080'), '127.4.5.6')).toBeUndefined();
  });

  it('refuses a foreign Host (DNS rebinding), another port, or none', () => {
    for (const host of [
      undefined,
      'evil.example:8080',
      '127.0.0.1:8081',
      '127.0.0.1',
      '127.0.0.2:8080',
      '0.0.0.0:8080',
      'localhost.evil.example:8080',
    ])
      expect(sessionRefusal(at(host), '127.0.0.1')).toBeDefined();
  });

  it('refuses another origin and cross-site or same-site fetches', () => {
    for (const origin of ['http://evil.example', 'null', 'http://localhost:8080', 'https://127.0.0.1:8080'])
      expect(sessionRefusal(at('127.0.0.1:8080', { origin }), '127.0.0.1')).toBeDefined();
    for (const secFetchSite of ['cross-site', 'same-site', 'same-origin, cross-site'])
      expect(sessionRefusal(at('127.0.0.1:8080', { secFetchSite }), '127.0.0.1')).toBeDefined();
  });
});

describe('DesktopSession', () => {
  it('answers 204 with no body outside desktop mode, whoever asks', () => {
    expect(new DesktopSession(undefined, '127.0.0.1').answer(at('127.0.0.1:8080'))).toEqual({ status: 204 });
  });

  it('gives the token to the guarded request only, and a refusal that never holds it', () => {
    const session = new DesktopSession({ token: TOKEN }, '127.0.0.1');
    expect(session.answer(at('localhost:8080'))).toEqual({ status: 200, body: { token: TOKEN } });
    const refused = session.answer(at('evil.example:8080'));
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused)).not.toContain(TOKEN);
  });
});
