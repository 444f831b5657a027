import { describe, expect, it } from 'vitest';

import { parseConfig } from './load-config';
import { JobsConfigSchema } from './tailgate-config.schema';

describe('jobs settings', () => {
  it('default every setting, so a tailgate.yaml without `jobs` runs jobs', () => {
    const parsed = parseConfig({});
    expect(parsed.ok && parsed.config.jobs).toEqual({
      concurrency: 4,
      backoffBaseMs: 1_000,
      deadLetterSize: 1_000,
      maxQueued: 10_000,
      lockMs: 30_000,
      stalledIntervalMs: 30_000,
      http: { host: '0.0.0.0', port: 9103 },
    });
  });

  it('refuse values a runner cannot work with, naming each setting', () => {
    const parsed = parseConfig({ jobs: { concurrency: 0, deadLetterSize: 0, lockMs: -1, http: { port: 70_000 }, retries: 3 } });
    expect(parsed.ok).toBe(false);
    const problems = parsed.ok ? [] : parsed.problems.join('\n');
    for (const path of ['jobs.concurrency', 'jobs.deadLetterSize', 'jobs.lockMs', 'jobs.http.port', 'jobs'])
      expect(problems).toContain(`${path}:`);
    expect(problems).toContain('retries');
  });

  it('describe every setting for the README table', () => {
    const described = (schema: { description?: string }): boolean => typeof schema.description === 'string';
    const { http, ...rest } = JobsConfigSchema.unwrap().shape;
    for (const schema of [...Object.values(rest), ...Object.values(http.unwrap().shape)]) expect(described(schema)).toBe(true);
  });
});

describe('audit settings', () => {
  it('leave the audit trail off by default, with no sink', () => {
    const parsed = parseConfig({});
    expect(parsed.ok && parsed.config.audit).toMatchObject({ enabled: false, stdout: false });
    expect(parsed.ok && parsed.config.audit.file).toBeUndefined();
    expect(parsed.ok && parsed.config.audit.webhook).toBeUndefined();
  });

  it('take the file and webhook sinks with their defaults, and name a bad setting', () => {
    const parsed = parseConfig({
      audit: { enabled: true, file: { path: '/var/log/tailgate/audit.log' }, webhook: { url: 'https://siem' } },
    });
    expect(parsed.ok && parsed.config.audit.file?.path).toBe('/var/log/tailgate/audit.log');
    expect(parsed.ok && parsed.config.audit.webhook?.maxAttempts).toBeGreaterThan(0);
    const bad = parseConfig({ audit: { enabled: true, webhook: { url: 'ftp://siem' } } });
    expect(bad.ok ? '' : bad.problems.join('\n')).toContain('audit.webhook.url:');
  });
});

describe('server settings for the web UI', () => {
  it('serve the UI at the root by default, trusting no proxy header, without a desktop session', () => {
    const parsed = parseConfig({});
    expect(parsed.ok && parsed.config.server).toMatchObject({ basePath: '/', webUi: true, trustProxyHeaders: false });
    expect(parsed.ok && parsed.config.server.desktopSession).toBeUndefined();
  });

  it.each(['/', '/tailgate', '/a/b-c/d_e', '/logs.v1', '/~me'])('take the base path %s', (basePath) => {
    const parsed = parseConfig({ server: { basePath } });
    expect(parsed.ok && parsed.config.server.basePath).toBe(basePath);
  });

  it.each(['', 'tailgate', '/tailgate/', '//', '/a//b', '/a/../b', '/..', '/.', '/a/./b', '/a%2fb', '/a b', '/a?x', '/a#x', '/a\\b'])(
    'refuse the base path %j, naming the setting',
    (basePath) => {
      const parsed = parseConfig({ server: { basePath } });
      expect(parsed.ok ? '' : parsed.problems.join('\n')).toContain('server.basePath:');
    },
  );

  it('offer the desktop session only on a loopback host', () => {
    const token = 'a-local-token-of-32-characters!!';
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) {
      const parsed = parseConfig({ server: { host, desktopSession: { token } } });
      expect(parsed.ok && parsed.config.server.desktopSession).toEqual({ token });
    }
    for (const host of ['0.0.0.0', '192.168.1.2', '::', 'example.com', '127.0.0.1.example.com']) {
      const parsed = parseConfig({ server: { host, desktopSession: { token } } });
      expect(parsed.ok ? '' : parsed.problems.join('\n')).toContain('server.desktopSession: needs a loopback server.host');
    }
  });

  it('never repeat the desktop token in a problem', () => {
    const parsed = parseConfig({ server: { host: '0.0.0.0', desktopSession: { token: 'secret-token-value-1234' } } });
    expect(parsed.ok ? '' : parsed.problems.join('\n')).not.toContain('secret-token-value-1234');
  });
});
