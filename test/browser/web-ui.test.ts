// The web UI (apps/web, built here with Vite into a temp directory) as the gateway serves it under
// `server.basePath: /tailgate`, with its strict Content-Security-Policy, on the demo world, in
// Debian's Chromium: a user pastes a token, picks a namespace from what the readable-scope
// endpoint offers, and the page shows their pods' lines merged with levels parsed, a notice for a
// pod they may not read, and nothing of it. Every CSP violation or page error fails the test.
//
// The DOM it reads (stable for the UI's other browser tests):
//   data-testid=token-input / sign-in-button / sign-in-page[data-reason] / sign-out
//   data-testid=source-picker / namespace-picker / workload-picker / pod-picker / label-selector /
//     container-filter / tail-input / since-input / start-stream / stop-stream
//   data-testid=log-view[data-rows]: the virtualised list; rows in the DOM are the visible ones
//   data-testid=log-line[data-ns][data-pod][data-container][data-level][data-stream], level cell log-level
//   data-testid=log-notice[data-notice=denied|hidden|dropped|gap|ended|…][data-target]
//   data-testid=stream-phase, count-lines|hidden|denied|dropped|gaps|discarded[data-count], new-lines[data-count]
//   data-testid=search-input / include-filter / exclude-filter / level-filter / wrap-toggle /
//     time-zone-picker / follow-toggle[aria-pressed] / download-format / download-since / download-button / theme-picker
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { CriLogWriter } from '@tailgate/cri-logs/testing';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';

import { createDemoWorld, DEMO_PODS, type DemoWorld } from '../../apps/gateway/src/demo/demo-world';
import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';
import { BrowserPage, launchChromium } from '../support/chromium';

const BASE_PATH = '/tailgate';
const SOURCE = 'node-file.pods';

/** A log row as the page shows it. */
interface Row {
  readonly ns: string;
  readonly pod: string;
  readonly container: string;
  readonly level: string;
  readonly levelText: string;
  readonly text: string;
}

/** Runs in the page: the log rows in the DOM (tests are type-checked without the DOM library: the shapes used, by hand). */
function rowsInPage(): Row[] {
  type El = { getAttribute(name: string): string | null; textContent: string | null; querySelector(s: string): El | null };
  const { document } = globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<El> } };
  return [...document.querySelectorAll('[data-testid="log-line"]')].map((row) => ({
    ns: row.getAttribute('data-ns') ?? '',
    pod: row.getAttribute('data-pod') ?? '',
    container: row.getAttribute('data-container') ?? '',
    level: row.getAttribute('data-level') ?? '',
    levelText: row.querySelector('[data-testid="log-level"]')?.textContent ?? '',
    text: row.querySelector('.text')?.textContent ?? '',
  }));
}

describe('the web UI, served by the gateway', () => {
  let dir: string;
  let world: DemoWorld;
  let gateway: RunningGateway;
  let uiUrl: string;
  let browser: Browser;
  let writers: Map<string, CriLogWriter>;
  let page: BrowserPage | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tailgate-web-ui-'));
    const webUiDir = inject('webUiDir');
    browser = await launchChromium();
    world = createDemoWorld(dir, {
      port: 0,
      nodeFile: { pollIntervalMs: 20, scanIntervalMs: 50 },
      access: { recheckIntervalMs: 250 },
      podMetadataReloadMs: 50,
    });
    writers = new Map(
      DEMO_PODS.map((pod) => [
        pod.name,
        new CriLogWriter(world.podsRoot, { namespace: pod.namespace, pod: pod.name, container: pod.container }),
      ]),
    );
    for (const writer of writers.values()) await writer.write('before anyone listened');
    const config = { ...world.config, server: { ...world.config.server, basePath: BASE_PATH, webUi: true } };
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
    gateway = await startGateway({ config, webUiDir, logDestination: quiet });
    uiUrl = gateway.uiUrl ?? '';
  }, 60_000);

  afterEach(async () => {
    await page?.close();
    page = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens the UI in a fresh context (fresh session storage) and signs in with `user`'s token. */
  async function signIn(user: string): Promise<BrowserPage> {
    const opened = await BrowserPage.open(browser);
    page = opened;
    const response = await opened.page.goto(uiUrl, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    const token = world.tokens[user]!;
    await opened.page.getByTestId('token-input').fill(token);
    await opened.page.getByTestId('sign-in-button').click();
    await opened.page.getByTestId('source-picker').locator(`option[value="${SOURCE}"]`).waitFor({ state: 'attached' });
    return opened;
  }

  /** Picks the source and a namespace from the picker (a <select> only once the readable scope arrived), and starts watching. */
  async function watchNamespace(opened: BrowserPage, namespace: string): Promise<readonly string[]> {
    const p = opened.page;
    await p.getByTestId('source-picker').selectOption(SOURCE);
    const picker = p.locator('select[data-testid="namespace-picker"]');
    await picker.locator(`option[value="${namespace}"]`).waitFor({ state: 'attached' });
    const offered = await picker.locator('option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
    await picker.selectOption(namespace);
    await p.getByTestId('start-stream').click();
    await p.locator('[data-testid="stream-phase"]', { hasText: 'Live' }).waitFor();
    return offered;
  }

  it("signs alice in, offers only her namespace, and merges her pods' lines with JSON levels parsed and nothing of team-b", async () => {
    const opened = await signIn('alice');
    expect(await watchNamespace(opened, 'team-a')).toEqual(['', 'team-a']);
    const p = opened.page;
    await p.locator('[data-testid="log-notice"][data-notice="target-added"][data-target="team-a/payments-worker/worker"]').waitFor();
    await p.locator('[data-testid="log-notice"][data-notice="target-added"][data-target="team-a/checkout-api/api"]').waitFor();

    await writers.get('checkout-api')!.write('{"level":"error","msg":"ui-json-line"}');
    await writers.get('payments-worker')!.write('level=warn msg=ui-logfmt-line');
    await writers.get('checkout-api')!.write('ui-plain-line');
    await writers.get('web-frontend')!.write('team-b ui-secret-line');
    await p.locator('[data-testid="log-line"]', { hasText: 'ui-plain-line' }).waitFor();
    await p.locator('[data-testid="log-line"]', { hasText: 'ui-logfmt-line' }).waitFor();

    const rows = await opened.evaluate(rowsInPage, undefined);
    expect(rows.find((r) => r.text.includes('ui-json-line'))).toMatchObject({
      pod: 'checkout-api',
      container: 'api',
      level: 'error',
      levelText: 'error',
    });
    expect(rows.find((r) => r.text.includes('ui-logfmt-line'))).toMatchObject({ pod: 'payments-worker', level: 'warn' });
    expect(rows.find((r) => r.text === 'ui-plain-line')).toMatchObject({ pod: 'checkout-api', level: 'none', levelText: '' });
    expect(new Set(rows.map((r) => r.ns))).toEqual(new Set(['team-a']));
    expect(await p.content()).not.toContain('ui-secret-line');
    expect(await p.getByTestId('count-denied').count()).toBe(0);

    // `f` pauses: new lines are counted, not scrolled to; `End` jumps to the newest and follows again.
    await p.getByTestId('log-view').focus();
    await p.keyboard.press('f');
    await p.locator('[data-testid="follow-toggle"][aria-pressed="false"]').waitFor();
    await writers.get('checkout-api')!.writeMany(['while-paused-1', 'while-paused-2']);
    await p.locator('[data-testid="new-lines"][data-count="2"]').waitFor();
    await p.keyboard.press('End');
    await p.locator('[data-testid="follow-toggle"][aria-pressed="true"]').waitFor();
    expect(await p.getByTestId('new-lines').count()).toBe(0);

    // The address is a link to this view, and never holds the token.
    const address = new URL(p.url());
    expect(address.pathname).toBe(`${BASE_PATH}/`);
    expect(new URLSearchParams(address.hash.slice(1)).get('source')).toBe(SOURCE);
    expect(new URLSearchParams(address.hash.slice(1)).get('ns')).toBe('team-a');
    expect(p.url()).not.toContain(world.tokens.alice!);
  });

  it('names the pod carol may not read in a notice, and shows none of its lines', async () => {
    const opened = await signIn('carol');
    expect(await watchNamespace(opened, 'team-a')).toEqual(['', 'team-a']);
    const p = opened.page;
    // The pod picker offers only what carol may read.
    const pods = await p
      .locator('select[data-testid="pod-picker"] option')
      .evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
    expect(pods).toEqual(['', 'checkout-api']);

    const denied = p.locator('[data-testid="log-notice"][data-notice="denied"]');
    await denied.waitFor();
    expect(await denied.getAttribute('data-target')).toBe('team-a/payments-worker/worker');
    expect(await denied.textContent()).toContain('you may not read this container');
    expect(await p.getByTestId('count-denied').getAttribute('data-count')).toBe('1');

    await writers.get('payments-worker')!.write('carol must not see this payments line');
    await writers.get('checkout-api')!.write('{"level":30,"msg":"carol-bunyan-line"}');
    await p.locator('[data-testid="log-line"]', { hasText: 'carol-bunyan-line' }).waitFor();
    const rows = await opened.evaluate(rowsInPage, undefined);
    expect(rows.find((r) => r.text.includes('carol-bunyan-line'))).toMatchObject({ pod: 'checkout-api', level: 'info' });
    expect(rows.every((r) => r.pod === 'checkout-api')).toBe(true);
    expect(await p.content()).not.toContain('payments line');
  });

  it('tells alice, watching every namespace she may read, how many containers she may neither read nor name', async () => {
    const opened = await signIn('alice');
    await watchNamespace(opened, '');
    const p = opened.page;
    await writers.get('search-indexer')!.write('team-b ui-hidden-line');
    await writers.get('checkout-api')!.write('alice-everywhere-line');
    await p.locator('[data-testid="log-line"]', { hasText: 'alice-everywhere-line' }).waitFor();
    const hidden = p.locator('[data-testid="log-notice"][data-notice="hidden"]').last();
    await hidden.waitFor();
    expect(await hidden.getAttribute('data-target')).toBeNull();
    await p.locator('[data-testid="count-hidden"][data-count="2"]').waitFor();
    const rows = await opened.evaluate(rowsInPage, undefined);
    expect(new Set(rows.map((r) => r.ns))).toEqual(new Set(['team-a']));
    const content = await p.content();
    for (const name of ['ui-hidden-line', 'web-frontend', 'search-indexer']) expect(content).not.toContain(name);
  });

  it('shows a refused token its own page, and keeps it out of the address and the page', async () => {
    const opened = await BrowserPage.open(browser);
    page = opened;
    await opened.page.goto(uiUrl, { waitUntil: 'load' });
    const token = 'not-a-token-of-this-gateway';
    await opened.page.getByTestId('token-input').fill(token);
    await opened.page.getByTestId('sign-in-button').click();
    await opened.page.locator('[data-testid="sign-in-page"][data-reason="rejected"]').waitFor();
    expect(await opened.page.getByTestId('sign-in-reason').textContent()).toContain('did not accept that token');
    expect(opened.page.url()).not.toContain(token);
    const stored = await opened.evaluate(
      () => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length,
      undefined,
    );
    expect(stored).toBe(0);
  });
});
