import { describe, expect, it } from 'vitest';

import { resolveUiPath } from './ui-path';

const FILES = new Set(['index.html', 'favicon.svg', 'assets/app-1a2b.js', 'assets/app-3c4d.css']);

describe('resolveUiPath', () => {
  it('serves the index at the base path and files of the build below it, query strings aside', () => {
    expect(resolveUiPath('/tailgate', '/tailgate/', FILES)).toEqual({ kind: 'index' });
    expect(resolveUiPath('/tailgate', '/tailgate/?x=1', FILES)).toEqual({ kind: 'index' });
    expect(resolveUiPath('/tailgate', '/tailgate/assets/app-1a2b.js?v=2', FILES)).toEqual({ kind: 'file', file: 'assets/app-1a2b.js' });
    expect(resolveUiPath('/tailgate', '/tailgate/favicon.svg', FILES)).toEqual({ kind: 'file', file: 'favicon.svg' });
    expect(resolveUiPath('/', '/', FILES)).toEqual({ kind: 'index' });
    expect(resolveUiPath('/', '/assets/app-3c4d.css', FILES)).toEqual({ kind: 'file', file: 'assets/app-3c4d.css' });
  });

  it('redirects the bare base path to its slash, keeping the query', () => {
    expect(resolveUiPath('/tailgate', '/tailgate', FILES)).toEqual({ kind: 'redirect', location: '/tailgate/' });
    expect(resolveUiPath('/tailgate', '/tailgate?x=1', FILES)).toEqual({ kind: 'redirect', location: '/tailgate/?x=1' });
  });

  it('serves the index for deep links, and 404 for missing files rather than HTML in their place', () => {
    expect(resolveUiPath('/tailgate', '/tailgate/team-a/checkout-api', FILES)).toEqual({ kind: 'index' });
    expect(resolveUiPath('/tailgate', '/tailgate/team-a/', FILES)).toEqual({ kind: 'index' });
    expect(resolveUiPath('/tailgate', '/tailgate/assets/gone-9z9z.js', FILES)).toEqual({ kind: 'not-found' });
    expect(resolveUiPath('/tailgate', '/tailgate/assets/gone', FILES)).toEqual({ kind: 'not-found' });
    expect(resolveUiPath('/tailgate', '/tailgate/robots.txt', FILES)).toEqual({ kind: 'not-found' });
  });

  it("serves the build's assets below a deep link too, where its index's relative URLs point", () => {
    expect(resolveUiPath('/tailgate', '/tailgate/team-a/web/assets/app-1a2b.js', FILES)).toEqual({
      kind: 'file',
      file: 'assets/app-1a2b.js',
    });
    expect(resolveUiPath('/tailgate', '/tailgate/team-a/assets/nope.js', FILES)).toEqual({ kind: 'not-found' });
    expect(resolveUiPath('/tailgate', '/tailgate/team-a/favicon.svg', FILES)).toEqual({ kind: 'not-found' });
  });

  it("passes on what is not the UI's: outside the base path, the API, Socket.IO, plugins, the audit query", () => {
    for (const url of ['/healthz', '/metrics', '/tailgatex/', '/other/tailgate/', '/tailgate/api/v1/session', '/tailgate/socket.io/?EIO=4'])
      expect(resolveUiPath('/tailgate', url, FILES)).toEqual({ kind: 'pass' });
    for (const url of ['/healthz', '/readyz', '/metrics', '/metrics?x=1']) expect(resolveUiPath('/', url, FILES)).toEqual({ kind: 'pass' });
    for (const url of ['/tailgate/plugins/flow-tap/v1', '/tailgate/audit/events', '/api/v1/x'])
      expect(resolveUiPath(url.startsWith('/tailgate') ? '/tailgate' : '/', url, FILES)).toEqual({ kind: 'pass' });
  });

  it.each([
    '/tailgate/../etc/passwd',
    '/tailgate/assets/../../etc/passwd',
    '/tailgate/assets/../index.html',
    '/tailgate/./index.html',
    '/tailgate/%2e%2e/etc/passwd',
    '/tailgate/%2E%2E/%2e%2e/etc/passwd',
    '/tailgate/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/tailgate/..%2fetc%2fpasswd',
    '/tailgate/..%5cetc%5cpasswd',
    '/tailgate/assets\\..\\index.html',
    '/tailgate//etc/passwd',
    '/tailgate/%2fetc%2fpasswd',
    '/tailgate/C:/Windows/win.ini',
    '/tailgate/index.html%00.js',
    '/tailgate/assets/app-1a2b.js%00',
    '/tailgate/%E0%A4%A',
    '/tailgate/%',
  ])('refuses %s outright (404), never the index or a file', (url) => {
    expect(resolveUiPath('/tailgate', url, FILES)).toEqual({ kind: 'not-found' });
  });
});
