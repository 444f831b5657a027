// The headers every web UI response carries. The CSP allows the page's own scripts, styles,
// images, fonts and connections and nothing else: no inline script or style, no other origin, no
// <base>, no form posts, no framing. `connect-src 'self'` covers the page's own ws:/wss: origin
// (CSP Level 3, as Chromium, Firefox and Safari implement it), so the Socket.IO WebSocket needs
// no extra source and no host name is baked into the policy.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** The HTTP API's answers: JSON nobody may sniff, frame or cache. */
export const API_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};
