import { describe, expect, it } from 'vitest';

import { desktopGatewayConfig } from './desktop-gateway-config';

const TOKEN = 'x'.repeat(43);
const base = { kubeconfig: '/home/me/.kube/config', host: '127.0.0.1', port: 0, token: TOKEN, namespaces: [], webUi: false };

describe('desktopGatewayConfig', () => {
  it('signs in the local token as the kubeconfig user and lets the user’s own reviews decide', () => {
    const result = desktopGatewayConfig(base);
    if (!result.ok) throw new Error(result.problems.join('; '));
    const { config } = result;
    expect(config.authentication.authenticators).toEqual(['kube-self.local-token']);
    expect(config.access.chain).toEqual(['kube-self.self-access-review']);
    expect(config.plugins['kube-self']).toEqual({ token: TOKEN });
    expect(Object.keys(config.plugins).sort()).toEqual(['kube-pod-logs', 'kube-self']);
    expect(config.podMetadata).toEqual({ kind: 'kubernetes' });
  });

  it('reaches the cluster with the kubeconfig (and context) and watches the given namespaces', () => {
    const result = desktopGatewayConfig({ ...base, context: 'dave', namespaces: ['team-a', 'team-b'] });
    if (!result.ok) throw new Error(result.problems.join('; '));
    expect(result.config.kube?.connection).toEqual({ mode: 'kubeconfig', path: '/home/me/.kube/config', context: 'dave' });
    expect(result.config.kube?.podMetadata.namespaces).toEqual(['team-a', 'team-b']);
    // A subscription that names no namespace reads these, never a cluster-wide watch.
    expect(result.config.plugins['kube-pod-logs']).toMatchObject({ namespaces: ['team-a', 'team-b'] });
  });

  it('uses the current context when none is given', () => {
    const result = desktopGatewayConfig(base);
    expect(result.ok && result.config.kube?.connection).toEqual({ mode: 'kubeconfig', path: '/home/me/.kube/config' });
  });

  it('listens where asked, logs warnings at most, and needs no Redis', () => {
    const result = desktopGatewayConfig({ ...base, port: 4242 });
    if (!result.ok) throw new Error(result.problems.join('; '));
    expect(result.config.server).toMatchObject({ host: '127.0.0.1', port: 4242 });
    expect(result.config.log.level).toBe('warn');
    expect(result.config.redis.url).toBeUndefined();
  });

  it('serves the web UI with its self sign-in only on a loopback host, and neither for tailgate logs', () => {
    const served = desktopGatewayConfig({ ...base, webUi: true });
    expect(served.ok && served.config.server).toMatchObject({ webUi: true, desktopSession: { token: TOKEN } });
    const remote = desktopGatewayConfig({ ...base, host: '0.0.0.0', webUi: true });
    expect(remote.ok && remote.config.server.webUi).toBe(true);
    expect(remote.ok && remote.config.server.desktopSession).toBeUndefined();
    const logs = desktopGatewayConfig(base);
    expect(logs.ok && logs.config.server.webUi).toBe(false);
    expect(logs.ok && logs.config.server.desktopSession).toBeUndefined();
  });
});
