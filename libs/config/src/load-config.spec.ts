import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadConfig } from './load-config';

function yamlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tailgate-config-')), 'tailgate.yaml');
  writeFileSync(file, text);
  return file;
}

describe('loadConfig', () => {
  it('runs a gateway on Redis Cluster from its seed nodes', () => {
    const file = yamlFile('redis: { url: "redis://127.0.0.1:7000", cluster: true, clusterNodes: ["redis://127.0.0.1:7001"] }');
    const result = loadConfig({ env: {}, file });
    expect(result.ok && result.config.redis).toMatchObject({
      url: 'redis://127.0.0.1:7000',
      cluster: true,
      clusterNodes: ['redis://127.0.0.1:7001'],
    });
  });

  it('refuses Redis Cluster seed nodes without cluster: true', () => {
    const result = loadConfig({
      env: {},
      file: yamlFile('redis: { url: "redis://127.0.0.1:7000", clusterNodes: ["redis://127.0.0.1:7001"] }'),
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.join('\n')).toContain('redis.clusterNodes');
  });

  it('gives every setting its documented default when nothing is configured', () => {
    const result = loadConfig({ env: {} });
    expect(result.ok && result.config.server.port).toBe(8080);
    expect(result.ok && result.config.access).toMatchObject({ chain: [], mode: 'all', decisionTtlMs: 30_000 });
    expect(result.ok && result.config.redis.url).toBeUndefined();
  });

  it('lets environment variables override the file, well-known names and TAILGATE__ paths alike', () => {
    const file = yamlFile('server: { port: 9000 }\nplugins:\n  static-tokens: { file: a.csv }\n');
    const result = loadConfig({
      file,
      env: {
        PORT: '9100',
        REDIS_URL: 'redis://127.0.0.1:6400',
        TAILGATE__ACCESS__DECISION_TTL_MS: '1000',
        TAILGATE__ACCESS__CHAIN: '[a.b, c.d]',
        TAILGATE__PLUGINS__STATIC_TOKENS__FILE: 'b.csv',
      },
    });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.config.server.port).toBe(9100);
    expect(result.config.redis.url).toBe('redis://127.0.0.1:6400');
    expect(result.config.access.decisionTtlMs).toBe(1000);
    expect(result.config.access.chain).toEqual(['a.b', 'c.d']);
    expect(result.config.plugins['static-tokens']).toEqual({ file: 'b.csv' });
  });

  it('reports every problem at once, by setting name', () => {
    const file = yamlFile('server: { port: -1, colour: red }\naccess: { mode: sometimes, chain: [NotAName] }\n');
    const result = loadConfig({ file, env: { TAILGATE__STREAMS__IDLE_GRACE_MS: 'soon' } });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/server\.port/);
    expect(problems.join('\n')).toMatch(/server: Unrecognized key: "colour"/);
    expect(problems.join('\n')).toMatch(/access\.mode/);
    expect(problems.join('\n')).toMatch(/access\.chain\.0/);
    expect(problems.join('\n')).toMatch(/streams\.idleGraceMs/);
  });

  it('never repeats a configured value in a problem, since values may be secrets', () => {
    const result = loadConfig({ env: { REDIS_URL: 'not a url with s3cret-password' } });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('s3cret');
  });

  it('says which file cannot be read or parsed', () => {
    expect(loadConfig({ file: '/nonexistent/tailgate.yaml', env: {} })).toEqual({
      ok: false,
      problems: ['/nonexistent/tailgate.yaml: cannot be read (ENOENT)'],
    });
    const broken = yamlFile('server:\n  port: [1\n');
    const result = loadConfig({ file: broken, env: {} });
    expect(result.ok ? '' : result.problems[0]).toMatch(/not valid YAML \(line \d+\)/);
    expect(loadConfig({ file: yamlFile('- a\n- b\n'), env: {} }).ok).toBe(false);
  });
});
