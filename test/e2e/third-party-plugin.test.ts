// A third-party plugin for real (issue 19): the built gateway loads tailgate-plugin-example by its
// package name, from the app's node_modules and from a plugin directory (a copy, as an image would
// carry it), a socket.io client streams its source's lines, its authorizer's refusal lets no line
// of the refused file through, /metrics names it; and a plugin built on another SDK fails the boot
// next to the configuration's other problems.
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type BuiltGateway, requireBuild, startBuiltGateway } from './support/built-gateway-process';
import { LogClient, seesPods } from './support/log-client';

const ROOT = join(__dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/plugins/tailgate-plugin-example');
const SDK_VERSION = (JSON.parse(readFileSync(join(ROOT, 'libs/plugin-sdk/package.json'), 'utf8')) as { version: string }).version;
const TOKENS = ['alice-token,alice,1,"payments"', 'carol-token,carol,2,"dev"'].join('\n');

let dir: string;
let logs: string;

/** tailgate.yaml for the example, loaded with `use:`: alice (payments) may read payments-api, carol (dev) only web. */
function exampleConfig(): Record<string, unknown> {
  return {
    log: { level: 'warn' },
    plugins: {
      'static-tokens': { file: join(dir, 'tokens.csv') },
      example: {
        use: 'tailgate-plugin-example',
        directory: logs,
        pollIntervalMs: 25,
        restricted: [
          { targets: 'files/payments-.*', groups: ['payments'] },
          { targets: 'files/web', groups: ['dev', 'payments'] },
        ],
      },
    },
    authentication: { authenticators: ['static-tokens.tokens'] },
    access: { chain: ['example.restricted'] },
  };
}

async function start(name: string, env: Record<string, string> = {}): Promise<BuiltGateway> {
  const started = await startBuiltGateway(exampleConfig(), dir, name, env);
  if (!started.ok) throw new Error(`the gateway did not start (exit ${started.exitCode}):\n${started.output}`);
  return started.gateway;
}

async function pluginInfo(url: string, plugin: string): Promise<string[]> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith(`tailgate_plugin_info{plugin="${plugin}",`));
}

describe('a third-party plugin loaded by package name', () => {
  beforeAll(() => {
    requireBuild('examples/plugins/tailgate-plugin-example/dist/index.js', 'libs/plugin-sdk/dist/index.js');
    dir = mkdtempSync(join(tmpdir(), 'tailgate-third-party-'));
    logs = join(dir, 'logs');
    mkdirSync(logs);
    writeFileSync(join(dir, 'tokens.csv'), TOKENS);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("streams the plugin's source to a socket.io client, and its authorizer's refusal lets no line through", async () => {
    const gateway = await start('from-node-modules');
    const secrets = Array.from({ length: 5 }, (_, i) => `payments secret ${i}`);
    const alice = await LogClient.connect(gateway.url, { token: 'alice-token', sees: seesPods(['files/payments-api', 'files/web']) });
    const carol = await LogClient.connect(gateway.url, { token: 'carol-token', sees: seesPods(['files/web'], () => secrets) });
    try {
      const sources = (await carol.emitRaw('sources.list', {})) as { ok: true; sources: { id: string }[] };
      expect(sources.sources.map((s) => s.id)).toContain('example.files');

      expect(await alice.subscribe({ source: 'example.files', selector: { file: 'payments-api' } })).toMatchObject({ ok: true });
      expect(await carol.subscribe({ source: 'example.files', selector: { file: 'payments-api' } })).toEqual({
        ok: false,
        error: { code: 'forbidden', message: expect.any(String) as string },
      });
      expect(await carol.subscribe({ source: 'example.files', selector: { file: 'web' } })).toMatchObject({ ok: true });
      // The stream follows what is appended once it runs, which its target announcement tells.
      await alice.waitFor(() => alice.targets.length === 1, "alice's target");
      await carol.waitFor(() => carol.targets.length === 1, "carol's target");

      appendFileSync(join(logs, 'payments-api.log'), secrets.map((line) => `${line}\n`).join(''));
      await alice.waitFor(() => alice.lines().length === secrets.length, 'the payments lines');
      appendFileSync(join(logs, 'web.log'), 'web line\n');
      await carol.waitFor(() => carol.lines().includes('web line'), 'the web line');

      expect(alice.lines()).toEqual(secrets);
      expect(alice.records.every((r) => r.ns === 'files' && r.pod === 'payments-api' && r.container === 'log')).toBe(true);
      expect(carol.lines()).toEqual(['web line']);
      expect(carol.violations).toEqual([]);

      expect(await pluginInfo(gateway.url, 'example')).toEqual([
        `tailgate_plugin_info{plugin="example",package="tailgate-plugin-example",version="0.1.0",sdk="${SDK_VERSION}"} 1`,
      ]);
      expect(await pluginInfo(gateway.url, 'static-tokens')).toEqual([
        `tailgate_plugin_info{plugin="static-tokens",package="@tailgate/gateway",version="0.1.0",sdk="${SDK_VERSION}"} 1`,
      ]);
    } finally {
      alice.close();
      carol.close();
      await gateway.stop();
    }
  });

  it('loads the package from the plugin directory first, as an image adds it', async () => {
    const plugins = join(dir, 'plugins');
    const installed = join(plugins, 'node_modules/tailgate-plugin-example');
    mkdirSync(join(plugins, 'node_modules/@tailgate'), { recursive: true });
    cpSync(join(EXAMPLE, 'dist'), join(installed, 'dist'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(EXAMPLE, 'package.json'), 'utf8')) as Record<string, unknown>;
    // Another version than the workspace's, so /metrics tells which copy was loaded.
    writeFileSync(join(installed, 'package.json'), JSON.stringify({ ...manifest, version: '0.1.1-plugin-directory' }));
    // Its peer dependency, as `npm install --prefix <dir>` would add it.
    symlinkSync(join(ROOT, 'libs/plugin-sdk'), join(plugins, 'node_modules/@tailgate/plugin-sdk'), 'dir');

    const gateway = await start('from-plugin-directory', { TAILGATE__PLUGIN_DIRECTORY: plugins });
    const alice = await LogClient.connect(gateway.url, { token: 'alice-token', sees: seesPods(['files/payments-api']) });
    try {
      expect(await pluginInfo(gateway.url, 'example')).toEqual([
        `tailgate_plugin_info{plugin="example",package="tailgate-plugin-example",version="0.1.1-plugin-directory",sdk="${SDK_VERSION}"} 1`,
      ]);
      expect(await alice.subscribe({ source: 'example.files', selector: { file: 'payments-api' } })).toMatchObject({ ok: true });
      await alice.waitFor(() => alice.targets.length === 1, "alice's target");
      appendFileSync(join(logs, 'payments-api.log'), 'from the copy\n');
      await alice.waitFor(() => alice.lines().includes('from the copy'), 'the line');
    } finally {
      alice.close();
      await gateway.stop();
    }
  });

  it('refuses to boot with a plugin built on another SDK, reporting it with the other problems', async () => {
    const plugins = join(dir, 'future-plugins');
    const future = join(plugins, 'node_modules/tailgate-plugin-future');
    mkdirSync(future, { recursive: true });
    writeFileSync(join(future, 'package.json'), JSON.stringify({ name: 'tailgate-plugin-future', version: '2.0.0', main: 'index.js' }));
    const marker = join(dir, 'future-registered');
    writeFileSync(
      join(future, 'index.js'),
      `exports.default = { $$type: '@tailgate/Plugin', manifest: 'v1', sdkVersion: '7.0.0', id: 'future', description: 'from the future',
        configSchema: { safeParse: (data) => ({ success: true, data }) },
        register() { require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'registered'); } };`,
    );
    const config = exampleConfig();
    const started = await startBuiltGateway(
      {
        ...config,
        pluginDirectory: plugins,
        plugins: { ...(config.plugins as object), future: { use: 'tailgate-plugin-future' }, nosuch: {} },
      },
      dir,
      'incompatible',
    );
    expect(started.ok).toBe(false);
    if (started.ok) return void (await started.gateway.stop());
    expect(started.exitCode).toBe(1);
    expect(started.output).toContain(
      `plugins.future.use: tailgate-plugin-future was built with @tailgate/plugin-sdk 7.0.0; this gateway supports ^${SDK_VERSION.replace(/\.\d+$/, '.0')}`,
    );
    expect(started.output).toContain('plugins.nosuch: no bundled plugin has this id');
    expect(started.output).toMatch(/configuration has 2 problem\(s\)/);
    expect(() => readFileSync(marker)).toThrow();
  });
});
