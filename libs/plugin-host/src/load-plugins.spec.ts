import { parseConfig } from '@tailgate/config';
import { allow, definePlugin, type Plugin, silentLogger } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { loadPlugins } from './load-plugins';

const alpha = definePlugin({
  id: 'alpha',
  description: 'test plugin',
  configSchema: z.strictObject({ level: z.number().int().default(1) }),
  register(ctx) {
    ctx.addAuthorizer({ name: 'gate', authorize: () => allow() });
    ctx.addAuthenticator({ name: 'tokens', authenticate: () => Promise.resolve({ ok: false, reason: 'x' }) });
  },
});
const failing = definePlugin({
  id: 'failing',
  description: 'throws at registration',
  configSchema: z.object({}),
  register() {
    throw new Error('the tokens file is missing');
  },
});
const doubled = definePlugin({
  id: 'doubled',
  description: 'registers one name twice',
  configSchema: z.object({}),
  register(ctx) {
    ctx.addAuthorizer({ name: 'same', authorize: () => allow() });
    ctx.addAuthorizer({ name: 'same', authorize: () => allow() });
  },
});
const bundled = [alpha, failing, doubled] as Plugin<unknown>[];

function config(raw: unknown) {
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.config;
}

const load = (raw: unknown, importPackage?: (name: string) => Promise<unknown>) =>
  loadPlugins({ bundled, config: config(raw), services: new Map(), logger: () => silentLogger, ...(importPackage && { importPackage }) });

describe('loadPlugins', () => {
  it('registers the enabled plugins under qualified names', async () => {
    const result = await load({ plugins: { alpha: {} }, access: { chain: ['alpha.gate'] } });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect([...result.registry.authorizers.keys()]).toEqual(['alpha.gate']);
    expect([...result.registry.authenticators.keys()]).toEqual(['alpha.tokens']);
    expect(result.registry.enabledPlugins).toEqual(['alpha']);
  });

  it('leaves out plugins that are not enabled', async () => {
    const result = await load({ plugins: {} });
    expect(result.ok && result.registry.authorizers.size).toBe(0);
  });

  it('reports every problem together: unknown ids, bad settings, failed registration, dangling references', async () => {
    const result = await load({
      plugins: { alpha: { level: 'high' }, nosuch: {}, failing: {}, doubled: {} },
      access: { chain: ['alpha.gate', 'beta.gate'] },
      authentication: { authenticators: ['alpha.nope'] },
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([
      'plugins.alpha.level: Invalid input: expected number, received string',
      'plugins.nosuch: no bundled plugin has this id (bundled: alpha, failing, doubled)',
      'plugins.failing: the tokens file is missing',
      'plugins.doubled: authorizer doubled.same is registered twice',
      'access.chain.0: no enabled plugin provides the authorizer alpha.gate',
      'access.chain.1: no enabled plugin provides the authorizer beta.gate',
      'authentication.authenticators.0: no enabled plugin provides the authenticator alpha.nope',
    ]);
  });

  it('loads a third-party plugin named by `use`, checking that it is the plugin it claims to be', async () => {
    const thirdParty = definePlugin({
      id: 'acme-gate',
      description: 'third party',
      configSchema: z.object({}),
      register: (ctx) => ctx.addAuthorizer({ name: 'gate', authorize: () => allow() }),
    });
    const packages: Record<string, unknown> = { '@acme/gate': { default: thirdParty }, '@acme/junk': { default: 42 } };
    const importPackage = (name: string) => (name in packages ? Promise.resolve(packages[name]) : Promise.reject(new Error('not found')));
    const good = await load({ plugins: { 'acme-gate': { use: '@acme/gate' } } }, importPackage);
    expect(good.ok && [...good.registry.authorizers.keys()]).toEqual(['acme-gate.gate']);

    const bad = await load(
      { plugins: { other: { use: '@acme/gate' }, junk: { use: '@acme/junk' }, missing: { use: '@acme/none' } } },
      importPackage,
    );
    expect(bad.ok ? [] : bad.problems).toEqual([
      "plugins.other.use: @acme/gate is the plugin 'acme-gate', not 'other'",
      'plugins.junk.use: @acme/junk does not export a plugin made with definePlugin()',
      'plugins.missing.use: package @acme/none cannot be loaded',
    ]);
  });
});
