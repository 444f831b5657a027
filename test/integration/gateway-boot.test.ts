// The gateway process refuses to start on a bad configuration and lists every problem at once.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { BUNDLED_PLUGINS } from '../../apps/gateway/src/bundled-plugins';

const root = join(__dirname, '../..');

function boot(yaml: string, env: Record<string, string> = {}) {
  const file = join(mkdtempSync(join(tmpdir(), 'tailgate-boot-')), 'tailgate.yaml');
  writeFileSync(file, yaml);
  return spawnSync(
    join(root, 'node_modules/.bin/tsx'),
    ['--tsconfig', 'tsconfig.base.json', '--conditions=@tailgate/source', 'apps/gateway/src/main.ts'],
    {
      cwd: root,
      env: { PATH: process.env.PATH, TAILGATE_CONFIG: file, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

describe('gateway boot', () => {
  it('exits non-zero listing every problem of the core settings', () => {
    const result = boot('server: { port: 70000 }\naccess: { mode: maybe }\nstreams: { idleGraceMs: -5 }\n', { REDIS_URL: 'nope' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('configuration has 4 problem(s)');
    for (const setting of ['server.port', 'access.mode', 'streams.idleGraceMs', 'redis.url']) expect(result.stderr).toContain(setting);
  });

  it('exits non-zero listing every plugin problem: unknown plugins, bad settings, missing files, dangling chain entries', () => {
    const result = boot(
      [
        'access: { chain: [pod-label-policy.labels, nobody.authz] }',
        'authentication: { authenticators: [static-tokens.tokens] }',
        'plugins:',
        '  static-tokens: { file: /no/such/tokens.csv }',
        '  namespace-allowlist: { rules: [{ namespaces: [a] }] }',
        '  pod-label-policy: {}',
        '  mystery: {}',
      ].join('\n'),
    );
    expect(result.status).toBe(1);
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(lines).toEqual([
      '  - plugins.static-tokens: token file /no/such/tokens.csv cannot be read (ENOENT)',
      '  - plugins.namespace-allowlist.rules.0: a rule needs at least one user or group',
      '  - plugins.pod-label-policy: needs the host service core.pod-metadata, which is not configured',
      `  - plugins.mystery: no bundled plugin has this id (bundled: ${BUNDLED_PLUGINS.map((p) => p.id).join(', ')})`,
      '  - access.chain.0: no enabled plugin provides the authorizer pod-label-policy.labels',
      '  - access.chain.1: no enabled plugin provides the authorizer nobody.authz',
      '  - authentication.authenticators.0: no enabled plugin provides the authenticator static-tokens.tokens',
    ]);
  });
});
