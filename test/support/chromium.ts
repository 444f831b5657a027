// Browser tests in a real Chromium: Debian's `chromium` package driven by playwright-core (never a
// browser playwright downloads), pages served by a static server on 127.0.0.1, and every page error
// collected so a test fails on one it did not provoke. Used by the client's browser suite and by
// the web UI's tests.
//
//   const harness = await startBrowserHarness({ '/index.html': htmlFile('<script type="module" src="/app.js"></script>'),
//                                               '/app.js': scriptFile(code) });
//   harness.origin                       // http://127.0.0.1:<port>: list it in the gateway's server.corsOrigins
//   const page = await harness.open('/index.html');   // its own browser context, loaded
//   await page.evaluate((n) => n + 1, 41);            // runs in the page; then fails on any page error so far
//   page.allowErrors(/WebSocket connection .* failed/); // a failure the test provokes on purpose
//   await page.waitForError(/WebSocket connection/);  // resolves with the first page error matching
//   page.allErrors()                     // every page error so far, allowed or not
//   page.assertNoErrors();               // throws, listing every page error no pattern allows
//   await page.close();                  // closes the context, then assertNoErrors()
//   await harness.close();               // closes open pages, the browser and the server (also checks errors)
//
// The executable is `TAILGATE_CHROMIUM`, else /usr/bin/chromium; missing, every launch fails naming
// scripts/setup.sh, which installs it. Page errors are uncaught exceptions and unhandled rejections
// (`pageerror`), `console.error` calls and Chromium's own error lines (a refused WebSocket, a 404),
// Content-Security-Policy violations (eval, inline script, a connection the policy forbids), and
// a crashed renderer. Functions passed to `evaluate` are exempt from the page's CSP (DevTools runs
// them), so a CSP check belongs in the page's own scripts.
import { accessSync, constants } from 'node:fs';

import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

import { startStaticServer, type StaticFile, type StaticFiles } from './static-server';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The Chromium to drive; throws, naming the way to install it, when it is not there. */
export function chromiumExecutable(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.TAILGATE_CHROMIUM || DEFAULT_CHROMIUM;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium is not installed at ${path}: run scripts/setup.sh (installs Debian's chromium), or set TAILGATE_CHROMIUM to a Chromium executable`,
    );
  }
  return path;
}

/**
 * A headless Chromium, with extra command-line switches (e.g. `--host-resolver-rules=…`). No orphan guard is needed: playwright kills the browsers it launched when
 * the test process exits, and Chromium, driven over a pipe, exits when that pipe closes.
 */
export function launchChromium(args: readonly string[] = []): Promise<Browser> {
  // --no-sandbox: test machines and containers often run as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: chromiumExecutable(), headless: true, args: ['--no-sandbox', ...args] });
}

export const htmlFile = (body: string, headers?: Readonly<Record<string, string>>): StaticFile => ({
  contentType: 'text/html; charset=utf-8',
  body: `<!doctype html>\n<html><head><meta charset="utf-8"><title>tailgate test</title></head><body>\n${body}\n</body></html>\n`,
  ...(headers && { headers }),
});

export const scriptFile = (code: string): StaticFile => ({ contentType: 'text/javascript; charset=utf-8', body: code });

/** One page in its own browser context, with every error it produced. */
export class BrowserPage {
  private readonly errors: string[] = [];
  private readonly allowed: RegExp[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
  ) {
    page.on('pageerror', (error) => this.record(`uncaught: ${error.name}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') this.record(`console.error: ${message.text()}`);
    });
    page.on('crash', () => this.record('the page crashed'));
  }

  private record(error: string): void {
    this.errors.push(error);
    for (const wake of this.waiters) wake();
  }

  /** A page in a fresh context of `browser`, reporting errors from its first script on. */
  static async open(browser: Browser): Promise<BrowserPage> {
    const context = await browser.newContext();
    // Chromium throws an EvalError at a page that breaks its Content-Security-Policy but logs nothing;
    // a library that catches it (and quietly runs slower, or not at all) must still fail the test.
    await context.addInitScript(() => {
      // Tests and tools are type-checked without the DOM library: the one shape used here, by hand.
      type Violation = { readonly violatedDirective: string; readonly blockedURI: string };
      const page = globalThis as unknown as {
        document: { addEventListener(type: 'securitypolicyviolation', listener: (event: Violation) => void): void };
      };
      page.document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`CSP violation: ${event.violatedDirective} (${event.blockedURI || 'inline'})`);
      });
    });
    return new BrowserPage(await context.newPage(), context);
  }

  /** Page errors matching `pattern` are expected (the test provokes them) and do not fail it. */
  allowErrors(pattern: RegExp): this {
    this.allowed.push(pattern);
    return this;
  }

  /** Every page error so far, allowed or not, in order. */
  allErrors(): readonly string[] {
    return [...this.errors];
  }

  /** Resolves with the first page error matching `pattern` (allow it first if the test provokes it). */
  waitForError(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.errors.find((error) => pattern.test(error));
        if (found === undefined) return;
        done();
        resolve(found);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no page error matching ${String(pattern)} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Every page error so far that no `allowErrors` pattern matches. */
  unexpectedErrors(): readonly string[] {
    return this.errors.filter((error) => !this.allowed.some((pattern) => pattern.test(error)));
  }

  assertNoErrors(): void {
    const unexpected = this.unexpectedErrors();
    if (unexpected.length > 0) throw new Error(`the page reported ${unexpected.length} error(s):\n${unexpected.join('\n')}`);
  }

  /**
   * Runs `fn` in the page (it is serialized: it may use only its argument and the page's globals,
   * nothing it closes over) and resolves with its JSON-serializable result.
   */
  async evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    const result = await this.page.evaluate(fn as (arg: unknown) => R | Promise<R>, arg);
    this.assertNoErrors();
    return result;
  }

  /** Resolves once `fn` (run in the page, like `evaluate`) returns a truthy value. */
  async waitFor<A>(fn: (arg: A) => unknown, arg: A, timeoutMs = 10_000): Promise<void> {
    await this.page.waitForFunction(fn as (arg: unknown) => unknown, arg, { timeout: timeoutMs });
    this.assertNoErrors();
  }

  async close(): Promise<void> {
    await this.context.close();
    this.assertNoErrors();
  }
}

export interface BrowserHarness {
  readonly browser: Browser;
  /** The static server's origin, `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Opens `path` of the static server (or an absolute URL) in a fresh context and waits for its `load` event. */
  open(path: string): Promise<BrowserPage>;
  /** Closes every page still open, the browser and the server; then fails if a page had an unexpected error. */
  close(): Promise<void>;
}

export async function startBrowserHarness(files: StaticFiles): Promise<BrowserHarness> {
  const server = await startStaticServer(files);
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await server.close();
    throw error;
  }
  const pages = new Set<BrowserPage>();
  return {
    browser,
    origin: server.origin,
    async open(path) {
      const page = await BrowserPage.open(browser);
      pages.add(page);
      const response = await page.page.goto(new URL(path, server.origin).href, { waitUntil: 'load' });
      if (!response?.ok()) throw new Error(`${path} answered ${response?.status() ?? 'nothing'}`);
      return page;
    },
    async close() {
      try {
        await browser.close();
      } finally {
        await server.close();
      }
      for (const page of pages) page.assertNoErrors();
    },
  };
}
