import { describe, expect, it } from 'vitest';

import { CONTENT_SECURITY_POLICY, UI_SECURITY_HEADERS } from './security-headers';

describe('the web UI security headers', () => {
  it('are a strict CSP: own scripts, styles, images, fonts and connections only, no base, forms or framing', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|\*|ws:|wss:|http:/);
  });

  it('forbid sniffing, referrers and sharing a browsing context group', () => {
    expect(UI_SECURITY_HEADERS).toEqual({
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
  });
});
