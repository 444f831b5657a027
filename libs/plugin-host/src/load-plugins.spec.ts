import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseConfig } from '@tailgate/config';
import { allow, definePlugin, type Plugin, SDK_VERSION, silentLogger } from '@tailgate/plugin-sdk';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
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

const load = (raw: unknown) => loadPlugins({ bundled, config: config(raw), services: new Map(), logger: () => silentLogger });

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

  describe('third-party plugins named by `use`', () => {
    let dir: string;
    let pluginDirectory: string;
    let appDirectory: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'tailgate-plugins-'));
      pluginDirectory = join(dir, 'plugins');
      appDirectory = join(dir, 'app');
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const loadThirdParty = (plugins: Record<string, unknown>, chain: string[] = []) =>
      loadPlugins({
        bundled,
        config: config({ plugins, pluginDirectory, access: { chain } }),
        services: new Map(),
        logger: () => silentLogger,
        appDirectory,
      });

    it('loads the package from the plugin directory first, with its version and SDK stamp', async () => {
      writePackage(pluginDirectory, '@acme/gate', '2.0.0', pluginModule('acme-gate'));
      writePackage(appDirectory, '@acme/gate', '1.0.0', pluginModule('acme-gate'));
      const result = await loadThirdParty({ 'acme-gate': { use: '@acme/gate', level: 3 } }, ['acme-gate.gate']);
      if (!result.ok) throw new Error(result.problems.join('\n'));
      expect([...result.registry.authorizers.keys()]).toEqual(['acme-gate.gate']);
      expect(result.plugins).toEqual([{ id: 'acme-gate', sdkVersion: SDK_VERSION, package: { name: '@acme/gate', version: '2.0.0' } }]);
    });

    it("falls back to the app's node_modules, and names bundled plugins without a package", async () => {
      writePackage(appDirectory, 'tailgate-plugin-gate', '1.0.0', pluginModule('acme-gate'));
      const result = await loadThirdParty({ 'acme-gate': { use: 'tailgate-plugin-gate' }, alpha: {} });
      if (!result.ok) throw new Error(result.problems.join('\n'));
      expect(result.plugins).toEqual([
        { id: 'acme-gate', sdkVersion: SDK_VERSION, package: { name: 'tailgate-plugin-gate', version: '1.0.0' } },
        { id: 'alpha', sdkVersion: SDK_VERSION },
      ]);
    });

    it('validates its settings with its own schema, as a bundled plugin', async () => {
      writePackage(pluginDirectory, '@acme/gate', '2.0.0', pluginModule('acme-gate'));
      const result = await loadThirdParty({ 'acme-gate': { use: '@acme/gate', level: 'high' } });
      expect(result.ok ? [] : result.problems).toEqual(['plugins.acme-gate.level: expected a number']);
    });

    it("looks in the plugin directory's own node_modules only, never in a parent folder's", async () => {
      writePackage(dir, 'tailgate-plugin-gate', '1.0.0', pluginModule('acme-gate'));
      const elsewhere = mkdtempSync(join(tmpdir(), 'tailgate-app-'));
      onTestFinished(() => rmSync(elsewhere, { recursive: true, force: true }));
      appDirectory = join(elsewhere, 'app');
      mkdirSync(appDirectory, { recursive: true });
      const result = await loadThirdParty({ 'acme-gate': { use: 'tailgate-plugin-gate' } });
      expect(result.ok ? [] : result.problems).toEqual([
        `plugins.acme-gate.use: package tailgate-plugin-gate is not installed (looked in the plugin directory ${pluginDirectory}, then the app's node_modules)`,
      ]);
    });

    it('never loads a path or a built-in module, whatever `use` says', async () => {
      const marker = join(dir, 'ran');
      writeFileSync(join(dir, 'evil.js'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x');`);
      const names = [join(dir, 'evil.js'), '../evil.js', './evil', 'evil/../../evil.js', 'fs', 'Acme', '@acme/a/b', '.hidden'];
      const result = await loadThirdParty(Object.fromEntries(names.map((name, i) => [`p${i}`, { use: name }])));
      expect(result.ok ? [] : result.problems).toEqual(
        names.map(
          (name, i) =>
            `plugins.p${i}.use: ${JSON.stringify(name)} is not an npm package name (a path or a built-in module is never loaded)`,
        ),
      );
      expect(existsSync(marker)).toBe(false);
    });

    it('reports every bad plugin together: SDK of another version, no stamp, missing, not a plugin, failing, another id', async () => {
      writePackage(pluginDirectory, 'tailgate-plugin-next', '1.0.0', pluginModule('next', '1.0.0'));
      writePackage(pluginDirectory, 'tailgate-plugin-minor', '1.0.0', pluginModule('minor', '0.99.0'));
      writePackage(pluginDirectory, 'tailgate-plugin-old', '1.0.0', pluginModule('old', null));
      writePackage(pluginDirectory, 'tailgate-plugin-junk', '1.0.0', 'module.exports = { default: 42 };');
      writePackage(appDirectory, 'tailgate-plugin-broken', '1.0.0', "throw new Error('secret-ish detail');");
      writePackage(appDirectory, 'tailgate-plugin-other', '1.0.0', pluginModule('acme-gate'));
      const result = await loadThirdParty({
        next: { use: 'tailgate-plugin-next' },
        minor: { use: 'tailgate-plugin-minor' },
        old: { use: 'tailgate-plugin-old' },
        missing: { use: 'tailgate-plugin-missing' },
        junk: { use: 'tailgate-plugin-junk' },
        broken: { use: 'tailgate-plugin-broken' },
        other: { use: 'tailgate-plugin-other' },
        alpha: { level: 'x' },
      });
      const range = `^${SDK_VERSION.split('.').slice(0, 2).join('.')}.0`;
      expect(result.ok ? [] : result.problems).toEqual([
        `plugins.next.use: tailgate-plugin-next was built with @tailgate/plugin-sdk 1.0.0; this gateway supports ${range}`,
        `plugins.minor.use: tailgate-plugin-minor was built with @tailgate/plugin-sdk 0.99.0; this gateway supports ${range}`,
        `plugins.old.use: tailgate-plugin-old was made with an @tailgate/plugin-sdk that records no version (older than 0.1.0, or not Tailgate's); rebuild it with ${range}`,
        `plugins.missing.use: package tailgate-plugin-missing is not installed (looked in the plugin directory ${pluginDirectory}, then the app's node_modules)`,
        'plugins.junk.use: tailgate-plugin-junk does not export a plugin made with definePlugin()',
        'plugins.broken.use: package tailgate-plugin-broken failed to load (Error)',
        "plugins.other.use: tailgate-plugin-other is the plugin 'acme-gate', not 'other'",
        'plugins.alpha.level: Invalid input: expected number, received string',
      ]);
    });
  });
});

/** An installed package: `<root>/node_modules/<name>` with a package.json and its CommonJS entry point. */
function writePackage(root: string, name: string, version: string, source: string): void {
  const dir = join(root, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, main: 'main.js' }));
  writeFileSync(join(dir, 'main.js'), source);
}

/**
 * A plugin as a package built elsewhere exports it (`exports.default`), with a hand-written
 * schema: what the host relies on is the value's shape, not our copy of zod. `stamp` null: an SDK
 * from before the stamp.
 */
function pluginModule(id: string, stamp: string | null = SDK_VERSION): string {
  return `
    const configSchema = {
      safeParse(value) {
        const { level = 1, ...rest } = value;
        if (typeof level !== 'number') return { success: false, error: { issues: [{ path: ['level'], message: 'expected a number', code: 'custom' }] } };
        return { success: true, data: { level, ...rest } };
      },
    };
    exports.__esModule = true;
    exports.default = Object.freeze({
      $$type: '@tailgate/Plugin', manifest: 'v1', ${stamp === null ? '' : `sdkVersion: ${JSON.stringify(stamp)},`}
      id: ${JSON.stringify(id)}, description: 'third party', configSchema,
      register(ctx) { ctx.addAuthorizer({ name: 'gate', authorize: () => ({ result: 'allow' }) }); },
    });
  `;
}
