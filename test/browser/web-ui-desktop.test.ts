// Desktop mode's sign-in in Debian's Chromium: a gateway with `server.desktopSession` (as
// `tailgate serve` runs it, on 127.0.0.1) hands the page it serves its local token, so the user
// signs in without pasting anything — and a page that reaches the same gateway under another name
// (DNS rebinding: an attacker's name resolving to 127.0.0.1) gets no token and the sign-in page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';

import { createDemoWorld, type DemoWorld } from '../../apps/gateway/src/demo/demo-world';
import { type RunningGateway, startGateway } from '../../apps/gateway/src/start-gateway';
import { BrowserPage, launchChromium } from '../support/chromium';

const REBOUND_HOST = 'rebound.example';

describe('the web UI in desktop mode', () => {
  let dir: string;
  let world: DemoWorld;
  let gateway: RunningGateway;
  let browser: Browser;
  let page: BrowserPage | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tailgate-web-desktop-'));
    world = createDemoWorld(dir, { port: 0, nodeFile: { pollIntervalMs: 20, scanIntervalMs: 50 } });
    // The demo's alice stands in for the kubeconfig user: the session hands out her token.
    const server = { ...world.config.server, host: '127.0.0.1', webUi: true, desktopSession: { token: world.tokens['alice']! } };
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
    gateway = await startGateway({ config: { ...world.config, server }, webUiDir: inject('webUiDir'), logDestination: quiet });
    browser = await launchChromium([`--host-resolver-rules=MAP ${REBOUND_HOST} 127.0.0.1`]);
  });

  afterEach(async () => {
    await page?.close();
    page = undefined;
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs the page in by itself: no token typed, and only the user’s namespace offered', async () => {
    page = await BrowserPage.open(browser);
    const p = page.page;
    await p.goto(gateway.uiUrl!, { waitUntil: 'load' });
    const picker = p.locator('select[data-testid="namespace-picker"]');
    await picker.locator('option[value="team-a"]').waitFor({ state: 'attached' });
    const offered = await picker.locator('option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
    expect(offered).toEqual(['', 'team-a']);
    expect(await p.getByTestId('token-input').count()).toBe(0);
    expect(p.url()).not.toContain(world.tokens['alice']!);
  });

  it('gives a page reached under another name no token: it shows the sign-in page', async () => {
    page = await BrowserPage.open(browser);
    // The gateway refuses the session to a Host that is not a loopback name; Chromium logs the 403.
    page.allowErrors(/^console\.error: Failed to load resource: the server responded with a status of 403 \(Forbidden\)$/);
    // Plain HTTP under a name that is not localhost: Chromium ignores the gateway's COOP header, and says so.
    page.allowErrors(/^console\.error: The Cross-Origin-Opener-Policy header has been ignored, because the URL's origin was untrustworthy/);
    const p = page.page;
    const rebound = new URL(gateway.uiUrl!);
    rebound.hostname = REBOUND_HOST;
    await p.goto(rebound.href, { waitUntil: 'load' });
    await p.getByTestId('sign-in-page').waitFor();
    await p.getByTestId('token-input').waitFor();
    expect(await p.content()).not.toContain(world.tokens['alice']!);
    expect(page.allErrors().some((error) => error.includes('403'))).toBe(true);
  });
});
