// The web UI's views in Debian's Chromium, served by a real gateway on the demo world (strict CSP;
// every page error fails the test): a revocation mid-stream (a pod's labels change, or the token is
// withdrawn) shows its notice and no line written after it; downloads as text, CSV and JSON lines
// hold exactly the lines written; a deep link brings the same view back in a fresh page and never
// carries the token; light and dark themes both render and the picker switches them; the
// documented keyboard shortcuts work and every control has an accessible name. With
// TAILGATE_SCREENSHOTS=1 it also saves the main views as PNGs into docs/images.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_PODS, type DemoPod } from '../../apps/gateway/src/demo/demo-world';
import type { BrowserPage } from '../support/chromium';
import {
  entriesInPage,
  openUi,
  signIn,
  SOURCE,
  startWebUiGateway,
  viewUrl,
  waitForTarget,
  type WebUiGateway,
} from './support/web-ui-gateway';

const REPO_ROOT = join(__dirname, '..', '..');
const CHECKOUT = 'team-a/checkout-api/api';
const PAYMENTS = 'team-a/payments-worker/worker';
const INVENTORY = 'team-a/inventory-sync/sync';

/** The demo's pods plus one more that everyone in team-a may read, so a view has several pods. */
const PODS: readonly DemoPod[] = [
  ...DEMO_PODS,
  { namespace: 'team-a', name: 'inventory-sync', container: 'sync', labels: { app: 'inventory', 'rbac/policy': 'allow' } },
];

/** Fixed timestamps (CRI files carry them verbatim), so downloads and screenshots are the same every run. */
const at = (second: number, nanos = 0): string => `2026-12-07T09:30:${String(second).padStart(2, '0')}.${String(nanos).padStart(9, '0')}Z`;

/** Runs in the page: a computed style of an element (`html`, `body`, a selector). */
function styleOf({ selector, property }: { selector: string; property: string }): string {
  type El = object;
  const g = globalThis as unknown as {
    document: { querySelector(s: string): El | null };
    getComputedStyle(el: El): { getPropertyValue(p: string): string };
  };
  const element = g.document.querySelector(selector);
  return element === null ? '' : g.getComputedStyle(element).getPropertyValue(property);
}

/** Runs in the page: the data-testid of the focused element, `body` when none. */
function focusedTestId(): string {
  const { document } = globalThis as unknown as {
    document: { activeElement: { tagName: string; getAttribute(n: string): string | null } | null };
  };
  const active = document.activeElement;
  return active === null ? 'none' : (active.getAttribute('data-testid') ?? active.tagName.toLowerCase());
}

/** Runs in the page: takes focus away from any control, as a click on empty space would. */
function blurAll(): void {
  const { document } = globalThis as unknown as { document: { activeElement: { blur?: () => void } | null } };
  document.activeElement?.blur?.();
}

/** Clicks download with `format` chosen and resolves with the file's name and text. */
async function download(p: Page, format: 'text' | 'csv' | 'jsonl'): Promise<{ name: string; text: string }> {
  await p.getByTestId('download-format').selectOption(format);
  const [file] = await Promise.all([p.waitForEvent('download'), p.getByTestId('download-button').click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

describe('the web UI views, served by the gateway', () => {
  let ui: WebUiGateway;
  const pages: BrowserPage[] = [];

  /** Signs `user` in (at `url`, a deep link) and remembers the page to close it after the test. */
  const open = async (user: string, url?: string): Promise<BrowserPage> => {
    const page = await signIn(ui, user, url === undefined ? {} : { url });
    pages.push(page);
    return page;
  };

  beforeAll(async () => {
    ui = await startWebUiGateway({ pods: PODS });
  }, 60_000);

  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close();
    ui.relabel(PODS);
    ui.restoreTokens();
  });

  afterAll(async () => {
    await ui?.close();
  });

  describe('a revocation mid-stream', () => {
    it('shows the denied notice where the labels changed, and no line written after it, while another reader goes on', async () => {
      const view = viewUrl(ui, { ns: 'team-a', pod: 'checkout-api' });
      const [carol, alice] = [await open('carol', view), await open('alice', view)];
      await Promise.all([waitForTarget(carol, CHECKOUT), waitForTarget(alice, CHECKOUT)]);
      const writer = ui.writers.get('checkout-api')!;
      await writer.write('read while allowed');
      for (const page of [carol, alice]) await page.page.locator('[data-testid="log-line"]', { hasText: 'read while allowed' }).waitFor();

      // checkout-api now denies everyone but alice: carol's next re-check (250 ms) revokes her read.
      ui.relabel(PODS.map((p) => (p.name === 'checkout-api' ? { ...p, labels: { 'rbac/policy': 'deny', 'rbac/alice': 'allow' } } : p)));
      const revoked = carol.page.locator(`[data-testid="log-notice"][data-notice="denied"][data-target="${CHECKOUT}"]`);
      await revoked.waitFor({ timeout: 5_000 });
      expect(await revoked.textContent()).toContain('you may not read this container');
      expect(await carol.page.getByTestId('count-denied').getAttribute('data-count')).toBe('1');

      await writer.write('written after the revocation');
      await writer.write('sentinel after the revocation');
      // Alice shares the upstream: once she has the sentinel, carol would have had it too.
      await alice.page.locator('[data-testid="log-line"]', { hasText: 'sentinel after the revocation' }).waitFor();
      expect((await alice.evaluate(entriesInPage, undefined)).filter((e) => e.kind === 'notice' && e.notice === 'denied')).toEqual([]);

      const shown = await carol.evaluate(entriesInPage, undefined);
      expect(shown).toEqual([
        { kind: 'notice', notice: 'target-added', target: CHECKOUT },
        { kind: 'line', pod: 'checkout-api', container: 'api', level: 'none', text: 'read while allowed' },
        { kind: 'notice', notice: 'denied', target: CHECKOUT },
      ]);
      expect(await carol.page.getByTestId('count-lines').getAttribute('data-count')).toBe('1');
      expect(await carol.page.content()).not.toContain('after the revocation');
    });

    it('ends the session on a token withdrawn mid-stream: the sign-in page says why, and nothing of the stream stays', async () => {
      const carol = await open('carol', viewUrl(ui, { ns: 'team-a', pod: 'checkout-api' }));
      await waitForTarget(carol, CHECKOUT);
      await ui.writers.get('checkout-api')!.write('read before the token went');
      await carol.page.locator('[data-testid="log-line"]', { hasText: 'read before the token went' }).waitFor();

      ui.revokeToken('carol');
      await carol.page.locator('[data-testid="sign-in-page"][data-reason="expired"]').waitFor({ timeout: 5_000 });
      expect(await carol.page.getByTestId('sign-in-reason').textContent()).toContain('expired or was revoked');
      await ui.writers.get('checkout-api')!.write('written after the token went');
      const content = await carol.page.content();
      expect(content).not.toContain('read before the token went');
      expect(content).not.toContain('written after the token went');
      const stored = await carol.evaluate(
        () => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length,
        undefined,
      );
      expect(stored).toBe(0);
      expect(carol.page.url()).not.toContain(ui.world.tokens.carol!);
    });
  });

  it('downloads what is loaded as text, CSV and JSON lines, exactly the lines written', async () => {
    const alice = await open('alice', viewUrl(ui, { ns: 'team-a', pod: 'checkout-api', tz: 'UTC' }));
    await waitForTarget(alice, CHECKOUT);
    const writer = ui.writers.get('checkout-api')!;
    await writer.write('plain download line', { ts: at(1, 1) });
    await writer.write('{"level":"warn","msg":"json, \\"quoted\\""}', { ts: at(2, 500_000_000) });
    await writer.write(' leading space, then a comma', { ts: at(3), stream: 'stderr' });
    await writer.write('level=error msg=logfmt', { ts: at(4) });
    await writer.write('ünïcode ✓ line', { ts: at(5) });
    await alice.page.locator('[data-testid="log-line"]', { hasText: 'ünïcode ✓ line' }).waitFor();

    const text = await download(alice.page, 'text');
    expect(text.name).toMatch(/^tailgate-node-file\.pods-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.log$/);
    expect(text.text).toBe(
      [
        `# streaming ${CHECKOUT}`,
        `${at(1, 1)} team-a/checkout-api api plain download line`,
        `${at(2, 500_000_000)} team-a/checkout-api api {"level":"warn","msg":"json, \\"quoted\\""}`,
        `${at(3)} team-a/checkout-api api  leading space, then a comma`,
        `${at(4)} team-a/checkout-api api level=error msg=logfmt`,
        `${at(5)} team-a/checkout-api api ünïcode ✓ line`,
        '',
      ].join('\n'),
    );

    const csv = await download(alice.page, 'csv');
    expect(csv.name).toMatch(/\.csv$/);
    expect(csv.text).toBe(
      [
        'ts,namespace,pod,container,stream,level,line',
        `${at(1, 1)},team-a,checkout-api,api,stdout,,plain download line`,
        `${at(2, 500_000_000)},team-a,checkout-api,api,stdout,warn,"{""level"":""warn"",""msg"":""json, \\""quoted\\""""}"`,
        `${at(3)},team-a,checkout-api,api,stderr,," leading space, then a comma"`,
        `${at(4)},team-a,checkout-api,api,stdout,error,level=error msg=logfmt`,
        `${at(5)},team-a,checkout-api,api,stdout,,ünïcode ✓ line`,
        '',
      ].join('\r\n'),
    );

    const jsonl = await download(alice.page, 'jsonl');
    expect(jsonl.name).toMatch(/\.jsonl$/);
    expect(jsonl.text.endsWith('\n')).toBe(true);
    const base = { ns: 'team-a', pod: 'checkout-api', container: 'api' };
    expect(
      jsonl.text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([
      { ...base, ts: at(1, 1), stream: 'stdout', line: 'plain download line' },
      { ...base, ts: at(2, 500_000_000), stream: 'stdout', level: 'warn', line: '{"level":"warn","msg":"json, \\"quoted\\""}' },
      { ...base, ts: at(3), stream: 'stderr', line: ' leading space, then a comma' },
      { ...base, ts: at(4), stream: 'stdout', level: 'error', line: 'level=error msg=logfmt' },
      { ...base, ts: at(5), stream: 'stdout', line: 'ünïcode ✓ line' },
    ]);
  });

  it('restores a view chosen with the pickers from its link in a fresh page, and the token is in no address', async () => {
    const alice = await open('alice');
    const p = alice.page;
    await p.getByTestId('source-picker').selectOption(SOURCE);
    await p.locator('select[data-testid="namespace-picker"] option[value="team-a"]').waitFor({ state: 'attached' });
    await p.locator('select[data-testid="namespace-picker"]').selectOption('team-a');
    await p.locator('select[data-testid="pod-picker"]').selectOption('inventory-sync');
    await p.getByTestId('include-filter').fill('keep');
    await p.getByTestId('exclude-filter').fill('drop');
    await p.locator('[data-testid="level-filter"] input[data-level="debug"]').uncheck();
    await p.getByTestId('time-zone-picker').selectOption('UTC');
    await p.getByTestId('wrap-toggle').uncheck();
    await p.getByTestId('start-stream').click();
    await waitForTarget(alice, INVENTORY);
    const link = p.url();
    expect(link).not.toContain(ui.world.tokens.alice!);

    // A fresh context: no session storage, so alice signs in again, and the link does the rest.
    const requested: string[] = [];
    const again = await openUi(ui, { url: link });
    pages.push(again);
    again.page.on('request', (request) => requested.push(request.url()));
    again.page.on('websocket', (socket) => requested.push(socket.url()));
    const q = again.page;
    await q.getByTestId('token-input').fill(ui.world.tokens.alice!);
    await q.getByTestId('sign-in-button').click();
    await waitForTarget(again, INVENTORY);

    expect(await q.getByTestId('source-picker').inputValue()).toBe(SOURCE);
    expect(await q.locator('select[data-testid="namespace-picker"]').inputValue()).toBe('team-a');
    expect(await q.locator('select[data-testid="pod-picker"]').inputValue()).toBe('inventory-sync');
    expect(await q.getByTestId('include-filter').inputValue()).toBe('keep');
    expect(await q.getByTestId('exclude-filter').inputValue()).toBe('drop');
    expect(await q.locator('[data-testid="level-filter"] input[data-level="debug"]').isChecked()).toBe(false);
    expect(await q.locator('[data-testid="level-filter"] input[data-level="info"]').isChecked()).toBe(true);
    expect(await q.getByTestId('time-zone-picker').inputValue()).toBe('UTC');
    expect(await q.getByTestId('wrap-toggle').isChecked()).toBe(false);
    expect(q.url()).toBe(link);

    // The restored view streams that pod alone, filtered as chosen.
    const writer = ui.writers.get('inventory-sync')!;
    await writer.write('{"level":"debug","msg":"keep but a debug line"}');
    await writer.write('keep but drop this one');
    await writer.write('not included');
    await writer.write('{"level":"info","msg":"keep this line"}');
    await ui.writers.get('checkout-api')!.write('keep: another pod');
    await q.locator('[data-testid="log-line"]', { hasText: 'keep this line' }).waitFor();
    const lines = (await again.evaluate(entriesInPage, undefined)).filter((e) => e.kind === 'line');
    expect(lines).toEqual([
      { kind: 'line', pod: 'inventory-sync', container: 'sync', level: 'info', text: '{"level":"info","msg":"keep this line"}' },
    ]);

    expect(requested.length).toBeGreaterThan(0);
    for (const url of [...requested, q.url()]) expect(url).not.toContain(ui.world.tokens.alice!);
  });

  it('renders light and dark from the system preference, and the theme picker overrides it', async () => {
    const light = await openUi(ui, { colorScheme: 'light' });
    const dark = await openUi(ui, { colorScheme: 'dark' });
    pages.push(light, dark);
    const colours = async (page: BrowserPage) => ({
      background: await page.evaluate(styleOf, { selector: 'body', property: 'background-color' }),
      text: await page.evaluate(styleOf, { selector: 'body', property: 'color' }),
    });
    const lightColours = await colours(light);
    const darkColours = await colours(dark);
    expect(lightColours.background).toBe('rgb(255, 255, 255)');
    expect(darkColours.background).not.toBe(lightColours.background);
    expect(darkColours.text).not.toBe(lightColours.text);
    // Dark means dark: a background darker than its text.
    const brightness = (rgb: string): number => (rgb.match(/\d+/g) ?? []).slice(0, 3).reduce((sum, n) => sum + Number(n), 0);
    expect(brightness(darkColours.background)).toBeLessThan(brightness(darkColours.text));
    expect(brightness(lightColours.background)).toBeGreaterThan(brightness(lightColours.text));

    await light.page.getByTestId('theme-picker').selectOption('dark');
    expect(await light.page.locator('html').getAttribute('data-theme')).toBe('dark');
    expect(await colours(light)).toEqual(darkColours);
    await dark.page.getByTestId('theme-picker').selectOption('light');
    expect(await colours(dark)).toEqual(lightColours);
    await dark.page.getByTestId('theme-picker').selectOption('system');
    expect(await colours(dark)).toEqual(darkColours);
  });

  it('works from the keyboard: / focuses search, Escape leaves it, f pauses and End resumes following, w toggles wrapping', async () => {
    const alice = await open('alice', viewUrl(ui, { ns: 'team-a' }));
    await waitForTarget(alice, CHECKOUT);
    const p = alice.page;
    for (let n = 1; n <= 5; n += 1) await ui.writers.get('checkout-api')!.write(`keyboard line ${n}`);
    await p.locator('[data-testid="log-line"]', { hasText: 'keyboard line 5' }).waitFor();
    const follow = p.getByTestId('follow-toggle');

    await alice.evaluate(blurAll, undefined);
    await p.keyboard.press('/');
    expect(await alice.evaluate(focusedTestId, undefined)).toBe('search-input');
    // In a text field the letters are text, not shortcuts.
    await p.keyboard.type('fw');
    expect(await p.getByTestId('search-input').inputValue()).toBe('fw');
    expect(await follow.getAttribute('aria-pressed')).toBe('true');
    await p.keyboard.press('Escape');
    expect(await alice.evaluate(focusedTestId, undefined)).toBe('body');

    await p.keyboard.press('f');
    expect(await follow.getAttribute('aria-pressed')).toBe('false');
    await p.getByTestId('new-lines').waitFor();
    await ui.writers.get('checkout-api')!.write('keyboard line while paused');
    await p.locator('[data-testid="new-lines"][data-count="1"]').waitFor();
    await p.keyboard.press('End');
    expect(await follow.getAttribute('aria-pressed')).toBe('true');
    expect(await p.getByTestId('new-lines').count()).toBe(0);

    const wrap = p.getByTestId('wrap-toggle');
    expect(await wrap.isChecked()).toBe(true);
    await p.keyboard.press('w');
    expect(await wrap.isChecked()).toBe(false);
    expect(await p.getByTestId('log-view').getAttribute('class')).toContain('nowrap');
    await p.keyboard.press('w');
    expect(await wrap.isChecked()).toBe(true);
  });

  it('gives every control an accessible name, on the sign-in page and the live view', async () => {
    const signInPage = await openUi(ui);
    pages.push(signInPage);
    const alice = await open('alice', viewUrl(ui, { ns: 'team-a' }));
    await waitForTarget(alice, CHECKOUT);
    // An "other" zone shows one more field.
    await alice.page.getByTestId('time-zone-picker').selectOption('other');
    await alice.page.getByTestId('time-zone-input').waitFor();
    for (const page of [signInPage, alice]) {
      const controls = await unnamedControls(page.page);
      expect(controls.unnamed).toEqual([]);
      expect(controls.named).toBeGreaterThanOrEqual(controls.inDom);
      expect(controls.inDom).toBeGreaterThan(page === alice ? 20 : 2);
    }
  });

  describe('screenshots of the main views (docs/images with TAILGATE_SCREENSHOTS=1)', () => {
    const viewport = { width: 1280, height: 800 };
    const SHOT_NAMES = ['web-ui-sign-in.png', 'web-ui-live.png', 'web-ui.png', 'web-ui-denied.png', 'web-ui-dark.png'];
    let shots: string;

    beforeAll(() => {
      shots = mkdtempSync(join(tmpdir(), 'tailgate-web-ui-shots-'));
    });
    afterAll(() => {
      if (process.env.TAILGATE_SCREENSHOTS === '1') {
        const images = join(REPO_ROOT, 'docs/images');
        mkdirSync(images, { recursive: true });
        for (const name of SHOT_NAMES) copyFileSync(join(shots, name), join(images, name));
      }
      rmSync(shots, { recursive: true, force: true });
    });

    /** What the pods say in the pictures: JSON, logfmt and plain lines, at fixed times. */
    async function writeScene(): Promise<string> {
      const lines: [string, string, number][] = [
        ['checkout-api', '{"level":"info","msg":"GET /cart 200","durationMs":12}', 10],
        ['payments-worker', 'level=info msg="charge accepted" order=8841 amount=42.10', 11],
        ['inventory-sync', '{"level":"debug","msg":"sync batch","items":250}', 12],
        ['checkout-api', '{"level":"warn","msg":"slow upstream","upstream":"pricing","durationMs":1840}', 13],
        ['payments-worker', 'level=error msg="card declined" order=8842 code=insufficient_funds', 14],
        ['inventory-sync', 'synced 250 items from warehouse eu-west-1', 15],
        ['checkout-api', '{"level":"error","msg":"POST /checkout 502","upstream":"payments"}', 16],
        ['payments-worker', 'level=info msg="retrying charge" order=8842 attempt=2', 17],
        ['checkout-api', '{"level":"info","msg":"GET /healthz 200","durationMs":1}', 18],
        ['inventory-sync', '{"level":"info","msg":"sync done","durationMs":930}', 19],
      ];
      for (const [pod, line, second] of lines) await ui.writers.get(pod)!.write(line, { ts: at(second) });
      return lines.at(-1)![1];
    }

    async function shoot(page: BrowserPage, name: string): Promise<void> {
      // The caret blinks and the last row may still be scrolling into view: settle both.
      await page.page.screenshot({ path: join(shots, name), caret: 'hide', animations: 'disabled' });
    }

    it('saves the sign-in page, a live view of several pods with levels, a denied notice and the dark theme', async () => {
      const signInPage = await openUi(ui, { viewport, colorScheme: 'light' });
      pages.push(signInPage);
      await shoot(signInPage, 'web-ui-sign-in.png');

      const view = viewUrl(ui, { ns: 'team-a', tz: 'UTC' });
      const [alice, carol, dark] = await Promise.all([
        signIn(ui, 'alice', { url: view, viewport, colorScheme: 'light' }),
        signIn(ui, 'carol', { url: view, viewport, colorScheme: 'light' }),
        signIn(ui, 'alice', { url: view, viewport, colorScheme: 'dark' }),
      ]);
      pages.push(alice, carol, dark);
      for (const page of [alice, dark]) for (const target of [CHECKOUT, PAYMENTS, INVENTORY]) await waitForTarget(page, target);
      await carol.page.locator(`[data-testid="log-notice"][data-notice="denied"][data-target="${PAYMENTS}"]`).waitFor();
      const last = await writeScene();
      for (const page of [alice, carol, dark]) await page.page.locator('[data-testid="log-line"]', { hasText: last }).waitFor();
      const levels = await alice.page.locator('[data-testid="log-line"] [data-testid="log-level"]').allTextContents();
      expect(new Set(levels)).toEqual(new Set(['info', 'debug', 'warn', 'error', '']));

      await shoot(alice, 'web-ui-live.png');
      await shoot(alice, 'web-ui.png');
      await shoot(carol, 'web-ui-denied.png');
      await shoot(dark, 'web-ui-dark.png');
      for (const name of SHOT_NAMES) expect(readFileSync(join(shots, name)).subarray(1, 4).toString()).toBe('PNG');
    }, 45_000);
  });
});

/** The page's controls (buttons, fields, pickers, checkboxes) from Chromium's accessibility tree, and which have no name. */
async function unnamedControls(page: Page): Promise<{ named: number; unnamed: string[]; inDom: number }> {
  const CONTROL_ROLES = new Set(['button', 'textbox', 'searchbox', 'combobox', 'checkbox', 'spinbutton', 'listbox', 'switch', 'radio']);
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { ignored: boolean; role?: { value?: unknown }; name?: { value?: unknown }; backendDOMNodeId?: number }[];
    };
    const controls = nodes.filter((node) => !node.ignored && CONTROL_ROLES.has(String(node.role?.value)));
    const unnamed = controls
      .filter((node) => typeof node.name?.value !== 'string' || node.name.value.trim() === '')
      .map((node) => `${String(node.role?.value)} (DOM node ${node.backendDOMNodeId ?? '?'})`);
    const inDom = await page.locator('button:visible, input:visible, select:visible').count();
    return { named: controls.length - unnamed.length, unnamed, inDom };
  } finally {
    await cdp.detach();
  }
}
