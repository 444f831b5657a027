import { describe, expect, it } from 'vitest';

import { demoBanner, desktopBanner } from './serve-banner';

const URL = 'http://127.0.0.1:40123';
const TOKEN = 'local-token-0123456789abcdef0123456789';

describe('desktopBanner', () => {
  it('gives the URL and the token, and how to use them with tailgate logs', () => {
    const text = desktopBanner({ url: URL, token: TOKEN, kubeconfig: '/k/config', namespaces: ['team-a'] });
    expect(text).toContain(`at ${URL}`);
    expect(text).toContain(`  token:      ${TOKEN}\n`);
    expect(text).toContain(`export TAILGATE_SERVER=${URL} TAILGATE_TOKEN=${TOKEN}`);
    expect(text).toContain(`tailgate logs --server ${URL} --token ${TOKEN} . -n team-a`);
    expect(text).toContain('/k/config (current context)');
    expect(text).not.toContain('Open ');
  });

  it('points at the web UI when it is served', () => {
    const text = desktopBanner({ url: URL, uiUrl: `${URL}/`, token: TOKEN, kubeconfig: '/k', namespaces: [] });
    expect(text).toContain(`Open ${URL}/ in your browser (it signs in by itself on this machine),`);
  });

  it('has a line per watched namespace, or says all are watched', () => {
    const some = desktopBanner({ url: URL, token: TOKEN, kubeconfig: '/k', context: 'dave', namespaces: ['a', 'b'] });
    expect(some.split('\n').filter((line) => line.startsWith('  watching:'))).toEqual(['  watching:   a', '  watching:   b']);
    expect(some).toContain('(context dave)');
    const all = desktopBanner({ url: URL, token: TOKEN, kubeconfig: '/k', namespaces: [] });
    expect(all).toContain('  watching:   all namespaces\n');
    expect(all).toContain(`--token ${TOKEN} . -A`);
  });
});

describe('demoBanner', () => {
  it('lists the pods and the users with their tokens', () => {
    const text = demoBanner({
      url: URL,
      uiUrl: `${URL}/`,
      pods: [{ namespace: 'team-a', name: 'web', labels: { app: 'web' } }],
      users: [{ name: 'alice', groups: ['team-a'], token: 'tok-a' }],
    });
    expect(text).toContain('team-a/web');
    expect(text).toMatch(/alice\s+groups=team-a\s+token=tok-a/);
    expect(text).toContain(`tailgate logs . --server ${URL} --token tok-a -A`);
    expect(text).toContain(`  Web UI: ${URL}/  (sign in with a token below)`);
  });

  it('says how to build the web UI when it is missing', () => {
    const text = demoBanner({ url: URL, uiUrl: undefined, pods: [], users: [] });
    expect(text).toContain('  Web UI: not built (npm run build -w @tailgate/web)');
  });
});
