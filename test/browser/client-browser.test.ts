// The browser build of @tailgate/client, loaded by a page in Debian's Chromium under a strict
// Content-Security-Policy, against an in-process demo gateway that lists the page's origin: it
// streams what the user may read and nothing else, and reports a bad token and a refused origin as
// TailgateErrors with their codes.
import { DEMO_PODS } from '../../apps/gateway/src/demo/demo-world';
import type * as TailgateModule from '@tailgate/client';
import type { Subscription, SubscriptionEvent, TailgateClient } from '@tailgate/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { bundleClientForBrowser } from '../../scripts/client-browser-bundle';
import { type DemoGateway, startDemoGateway } from '../e2e/support/start-demo-gateway';
import { type BrowserHarness, type BrowserPage, htmlFile, scriptFile, startBrowserHarness } from '../support/chromium';
import { type StaticFiles, type StaticServer, startStaticServer } from '../support/static-server';

/** What the page's globals hold: the bundled module, and what the test's page functions keep between calls. */
interface PageState {
  tailgate: typeof TailgateModule;
  client?: TailgateClient;
  subscription?: Subscription;
  events: SubscriptionEvent[];
}

/** A failed `connect()` as the page saw it. */
interface PageFailure {
  isTailgateError: boolean;
  name: string;
  code: string;
  message: string;
}

// No eval, no inline script, connections to loopback only: what a careful web UI would serve.
const CSP = "default-src 'none'; script-src 'self'; img-src data:; connect-src http://127.0.0.1:* ws://127.0.0.1:*";

function clientPage(bundle: string): StaticFiles {
  return {
    '/index.html': htmlFile('<link rel="icon" href="data:,">\n<script type="module" src="/client-page.js"></script>', {
      'content-security-policy': CSP,
    }),
    '/client-page.js': scriptFile(
      `import * as tailgate from './tailgate-client.js';\nglobalThis.tailgate = tailgate;\nglobalThis.events = [];\n`,
    ),
    '/tailgate-client.js': scriptFile(bundle),
  };
}

/** Runs in the page: `connect()` with these options; the failure, or 'connected'. */
async function connectInPage(options: TailgateModule.ConnectOptions): Promise<PageFailure | 'connected'> {
  const g = globalThis as unknown as PageState;
  try {
    g.client = await g.tailgate.connect(options);
    return 'connected';
  } catch (error) {
    const e = error as Error & { code?: string };
    return { isTailgateError: error instanceof g.tailgate.TailgateError, name: e.name, code: String(e.code), message: e.message };
  }
}

describe('@tailgate/client in Chromium', () => {
  let harness: BrowserHarness;
  let demo: DemoGateway;
  let files: StaticFiles;
  let page: BrowserPage | undefined;

  beforeAll(async () => {
    files = clientPage((await bundleClientForBrowser()).code);
    harness = await startBrowserHarness(files);
    demo = await startDemoGateway(DEMO_PODS, undefined, {}, undefined, { corsOrigins: [harness.origin] });
  });
  afterEach(async () => {
    await page?.close();
    page = undefined;
  });
  afterAll(async () => {
    await demo?.stop();
    await harness?.close();
  });

  it("streams carol's readable pod line by line, and names the one she may not read without any of its lines", async () => {
    page = await harness.open('/index.html');
    const url = demo.gateway.url;
    expect(await page.evaluate(connectInPage, { url, token: demo.world.tokens.carol })).toBe('connected');
    const sources = await page.evaluate(async () => {
      const g = globalThis as unknown as PageState;
      const list = await g.client!.sourcesList();
      const subscription = await g.client!.subscribe({ source: 'node-file.pods', selector: { namespace: 'team-a' } });
      g.subscription = subscription;
      void (async () => {
        for await (const event of subscription) g.events.push(event);
      })();
      return list.map((source) => source.id);
    }, undefined);
    expect(sources).toContain('node-file.pods');

    await page.waitFor(() => {
      const { events } = globalThis as unknown as PageState;
      return (
        events.some((e) => e.type === 'target' && e.op === 'added' && e.target.pod === 'checkout-api') &&
        events.some((e) => e.type === 'denied' && e.target.pod === 'payments-worker')
      );
    }, undefined);
    const written: string[] = [];
    for (let n = 1; n <= 40; n += 1) {
      const line = `browser-line-${String(n).padStart(3, '0')}`;
      await demo.writers.get('checkout-api')!.write(line);
      await demo.writers.get('payments-worker')!.write(`payments secret ${n}`);
      written.push(line);
    }
    await page.waitFor((count) => {
      const { events } = globalThis as unknown as PageState;
      return (
        events.flatMap((e) => (e.type === 'records' ? e.records : [])).filter((r) => r.line.startsWith('browser-line-')).length >= count
      );
    }, written.length);
    const ended = await page.evaluate(async () => {
      const g = globalThis as unknown as PageState;
      await g.subscription!.unsubscribe();
      const end = await g.subscription!.done();
      g.client!.close();
      return end.reason;
    }, undefined);

    // The page's iterator loop takes the last event after done() resolved.
    await page.waitFor(() => (globalThis as unknown as PageState).events.at(-1)?.type === 'ended', undefined);
    const events = await page.evaluate(() => (globalThis as unknown as PageState).events, undefined);
    const records = events.flatMap((e) => (e.type === 'records' ? e.records : []));
    expect(records.filter((r) => r.line.startsWith('browser-line-')).map((r) => r.line)).toEqual(written);
    expect(records.every((r) => r.ns === 'team-a' && r.pod === 'checkout-api')).toBe(true);
    expect(events.filter((e) => e.type === 'denied')).toEqual([
      { type: 'denied', target: { ns: 'team-a', pod: 'payments-worker', container: 'worker' }, reason: 'forbidden' },
    ]);
    const everything = JSON.stringify(events);
    for (const secret of demo.sees('carol').secrets?.() ?? []) expect(everything).not.toContain(secret);
    expect(everything).not.toContain('payments secret');
    expect(ended).toBe('unsubscribed');
    expect(events.at(-1)).toEqual({ type: 'ended', reason: 'unsubscribed' });
  });

  it('runs under a Content-Security-Policy whose every violation (eval, inline script) fails these tests', async () => {
    page = await harness.open('/index.html');
    // Chromium logs a refused inline script itself; a refused eval only reaches the harness's listener.
    page.allowErrors(/^console\.error: Executing inline script violates the following Content Security Policy directive/);
    page.allowErrors(/^console\.error: CSP violation: script-src-elem \(inline\)$/);
    const ran = await page.evaluate(() => {
      // Tests are type-checked without the DOM library: the shapes used here, by hand.
      type Element = { textContent: string };
      const { document } = globalThis as unknown as {
        document: { createElement(tag: 'script'): Element; body: { append(element: Element): void } };
      };
      const script = document.createElement('script');
      script.textContent = 'globalThis.inlineRan = true';
      document.body.append(script);
      return (globalThis as { inlineRan?: boolean }).inlineRan === true;
    }, undefined);
    expect(ran).toBe(false);
    expect(await page.waitForError(/CSP violation/)).toBe('console.error: CSP violation: script-src-elem (inline)');
  });

  it('long-polls from a listed origin too, which needs the gateway to answer CORS', async () => {
    page = await harness.open('/index.html');
    const options = { url: demo.gateway.url, token: demo.world.tokens.alice, transports: ['polling'] as const };
    expect(await page.evaluate(connectInPage, options)).toBe('connected');
    const sources = await page.evaluate(async () => {
      const g = globalThis as unknown as PageState;
      const list = await g.client!.sourcesList();
      g.client!.close();
      return list.length;
    }, undefined);
    expect(sources).toBeGreaterThan(0);
  });

  it('rejects a bad token with a TailgateError coded unauthenticated, in the page', async () => {
    page = await harness.open('/index.html');
    const token = 'not-a-token-of-this-gateway';
    const failure = await page.evaluate(connectInPage, { url: demo.gateway.url, token, reconnect: false });
    expect(failure).toMatchObject({ isTailgateError: true, name: 'TailgateError', code: 'unauthenticated' });
    expect(JSON.stringify(failure)).not.toContain(token);
  });

  describe('a page on an origin the gateway does not list', () => {
    let elsewhere: StaticServer;
    beforeAll(async () => {
      elsewhere = await startStaticServer(files);
    });
    afterAll(() => elsewhere?.close());

    it('is refused before any session, as connection_failed, holding a valid token', async () => {
      const refusedBefore = await demo.metric('tailgate_connections_refused_total', 'reason="origin"');
      page = await harness.open(`${elsewhere.origin}/index.html`);
      // Chromium logs the refused WebSocket handshake (HTTP 403) itself.
      page.allowErrors(/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/socket\.io\/.*' failed/);
      const token = demo.world.tokens.alice!;
      const failure = await page.evaluate(connectInPage, { url: demo.gateway.url, token, reconnect: false, connectTimeoutMs: 5_000 });
      expect(failure).toMatchObject({ isTailgateError: true, name: 'TailgateError', code: 'connection_failed' });
      expect(JSON.stringify(failure)).not.toContain(token);
      expect(await demo.metric('tailgate_connections_refused_total', 'reason="origin"')).toBeGreaterThan(refusedBefore);
    });
  });
});
