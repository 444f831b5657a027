// The web UI's browser suites share one setup: the run's build of apps/web (test/setup/web-ui.global-setup.ts), a
// real gateway on the demo world serving that build at `server.basePath: /tailgate` (strict CSP,
// same-origin Socket.IO), Debian's Chromium, and a CRI writer per pod. The static-tokens plugin is
// the test stand-in that re-reads its file on every authentication, so a suite can revoke a token.
//
//   const ui = await startWebUiGateway({ pods: DEMO_PODS });
//   const page = await signIn(ui, 'alice', `${ui.uiUrl}#source=node-file.pods&ns=team-a`);
//   await ui.writers.get('checkout-api')!.write('a line');
//   ui.relabel(pods); ui.revokeToken('carol');
//   await ui.close();
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { CriLogWriter } from '@tailgate/cri-logs/testing';
import type { Browser } from 'playwright-core';
import { inject } from 'vitest';

import { BUNDLED_PLUGINS } from '../../../apps/gateway/src/bundled-plugins';
import { createDemoWorld, type DemoPod, type DemoWorld, writePodFile } from '../../../apps/gateway/src/demo/demo-world';
import { type RunningGateway, startGateway } from '../../../apps/gateway/src/start-gateway';
import { BrowserPage, launchChromium } from '../../support/chromium';
import { reloadingStaticTokensPlugin } from '../../support/reloading-static-tokens';

export const BASE_PATH = '/tailgate';
export const SOURCE = 'node-file.pods';

export interface WebUiGatewayOptions {
  /** The pods (and their labels) the gateway knows; a writer is made for each. */
  readonly pods: readonly DemoPod[];
  /** Overrides of the `streams` settings (default `idleGraceMs: 300`). */
  readonly streams?: Readonly<Record<string, unknown>>;
  /** The re-check interval; default 250 ms, so a revocation shows within a test's patience. */
  readonly recheckIntervalMs?: number;
}

export interface WebUiGateway {
  readonly browser: Browser;
  readonly gateway: RunningGateway;
  readonly world: DemoWorld;
  /** `http://127.0.0.1:<port>/tailgate/` */
  readonly uiUrl: string;
  /** Pod name → its writer. */
  readonly writers: ReadonlyMap<string, CriLogWriter>;
  /** Rewrites the pod labels the gateway reads (reloaded every 50 ms). */
  relabel(pods: readonly DemoPod[]): void;
  /** Takes `user`'s token out of the token file: the next session re-check refuses it. */
  revokeToken(user: string): void;
  /** Puts every demo user's token back, as the world was made. */
  restoreTokens(): void;
  close(): Promise<void>;
}

export async function startWebUiGateway(options: WebUiGatewayOptions): Promise<WebUiGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'tailgate-web-ui-'));
  const webUiDir = inject('webUiDir');
  const browser = await launchChromium();
  try {
    const world = createDemoWorld(dir, {
      port: 0,
      nodeFile: { pollIntervalMs: 20, scanIntervalMs: 50 },
      access: { recheckIntervalMs: options.recheckIntervalMs ?? 250 },
      podMetadataReloadMs: 50,
      logLevel: 'warn',
      // As the e2e suites have it: a stream stops 300 ms after its last listener, so each test starts its own.
      streams: { idleGraceMs: 300, ...options.streams },
    });
    writePodFile(world.podFile, options.pods);
    const writers = new Map(
      options.pods.map((pod) => [
        pod.name,
        new CriLogWriter(world.podsRoot, { namespace: pod.namespace, pod: pod.name, container: pod.container }),
      ]),
    );
    const config = { ...world.config, server: { ...world.config.server, basePath: BASE_PATH, webUi: true } };
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
    const bundled = BUNDLED_PLUGINS.map((plugin) => (plugin.id === 'static-tokens' ? reloadingStaticTokensPlugin : plugin));
    const gateway = await startGateway({ config, bundled, webUiDir, logDestination: quiet });
    if (gateway.uiUrl === undefined) throw new Error('the gateway does not serve the web UI');
    const tokenFile = join(dir, 'tokens.csv');
    const tokenLines = readFileSync(tokenFile, 'utf8');
    return {
      browser,
      gateway,
      world,
      uiUrl: gateway.uiUrl,
      writers,
      relabel: (pods) => writePodFile(world.podFile, pods),
      revokeToken(user) {
        const token = world.tokens[user];
        const kept = readFileSync(tokenFile, 'utf8')
          .split('\n')
          .filter((line) => line !== '' && !line.startsWith(`${token},`));
        writeFileSync(tokenFile, `${kept.join('\n')}\n`, { mode: 0o600 });
      },
      restoreTokens: () => writeFileSync(tokenFile, tokenLines, { mode: 0o600 }),
      async close() {
        try {
          await browser.close();
        } finally {
          await gateway.close();
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface OpenOptions {
  /** An address of the UI to open (a deep link); default the UI's root. */
  readonly url?: string;
  /** Runs before any script of the page, e.g. a PerformanceObserver (injected over CDP: the CSP does not apply). */
  readonly initScript?: () => void;
  readonly viewport?: { readonly width: number; readonly height: number };
  readonly colorScheme?: 'light' | 'dark';
}

/** Opens the UI in a fresh context (fresh session storage) at the sign-in page. */
export async function openUi(ui: WebUiGateway, options: OpenOptions = {}): Promise<BrowserPage> {
  const opened = await BrowserPage.open(ui.browser);
  const p = opened.page;
  if (options.initScript) await p.addInitScript(options.initScript);
  if (options.viewport) await p.setViewportSize(options.viewport);
  if (options.colorScheme) await p.emulateMedia({ colorScheme: options.colorScheme });
  const response = await p.goto(options.url ?? ui.uiUrl, { waitUntil: 'load' });
  if (response?.status() !== 200) throw new Error(`the UI answered ${response?.status() ?? 'nothing'}`);
  await p.getByTestId('sign-in-page').waitFor();
  return opened;
}

/** Opens the UI (a deep link, if given) and signs in with `user`'s token; resolves once the sources are listed. */
export async function signIn(ui: WebUiGateway, user: string, options: OpenOptions = {}): Promise<BrowserPage> {
  const opened = await openUi(ui, options);
  const p = opened.page;
  await p.getByTestId('token-input').fill(ui.world.tokens[user] ?? '');
  await p.getByTestId('sign-in-button').click();
  await p.getByTestId('source-picker').locator(`option[value="${SOURCE}"]`).waitFor({ state: 'attached' });
  return opened;
}

/** The UI's address for a view: the fragment the UI itself writes (source, ns, pod, …). */
export function viewUrl(ui: WebUiGateway, view: Readonly<Record<string, string>>): string {
  return `${ui.uiUrl}#${new URLSearchParams({ source: SOURCE, ...view }).toString()}`;
}

/** Resolves once the page streams and has announced `target` (`<ns>/<pod>/<container>`). */
export async function waitForTarget(page: BrowserPage, target: string, timeout?: number): Promise<void> {
  await page.page.locator('[data-testid="stream-phase"]', { hasText: 'Live' }).waitFor({ timeout });
  await page.page.locator(`[data-testid="log-notice"][data-notice="target-added"][data-target="${target}"]`).waitFor({ timeout });
}

/** One entry of the live view as the page shows it: a line or a notice. */
export type ShownEntry =
  | { readonly kind: 'line'; readonly pod: string; readonly container: string; readonly level: string; readonly text: string }
  | { readonly kind: 'notice'; readonly notice: string; readonly target: string | null };

/** Runs in the page: the rows in the DOM in order (tests are type-checked without the DOM library: the shapes used, by hand). */
export function entriesInPage(): ShownEntry[] {
  type El = { getAttribute(name: string): string | null; textContent: string | null; querySelector(s: string): El | null };
  const { document } = globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<El> } };
  return [...document.querySelectorAll('[data-testid="log-line"], [data-testid="log-notice"]')].map((row) =>
    row.getAttribute('data-testid') === 'log-notice'
      ? { kind: 'notice' as const, notice: row.getAttribute('data-notice') ?? '', target: row.getAttribute('data-target') }
      : {
          kind: 'line' as const,
          pod: row.getAttribute('data-pod') ?? '',
          container: row.getAttribute('data-container') ?? '',
          level: row.getAttribute('data-level') ?? '',
          text: row.querySelector('.text')?.textContent ?? '',
        },
  );
}
