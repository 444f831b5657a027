// The web UI under load, in Debian's Chromium against a real gateway serving it: five pods write
// 5,000 lines/s between them for 60 s (CRI files, in batches on a 100 ms timer that catches up when
// it runs late), and the live view follows. Every 5 s the test samples the page's retained JS heap
// (CDP, after a forced GC), its DOM size and the long tasks a PerformanceObserver saw (installed
// before the page's own scripts, over CDP, which the page's CSP does not govern). It asserts what
// docs/performance.md "Web UI under load" states: the page receives the lines (what the server
// dropped for it is counted, never silent), keeps a bounded number and says how many it discarded,
// its heap and DOM stay flat once the store is full, and the main thread keeps to a long-task budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DemoPod } from '../../apps/gateway/src/demo/demo-world';
import { DEFAULT_LINE_CAPACITY } from '../../apps/web/src/logs/line-store';
import type { BrowserPage } from '../support/chromium';
import { signIn, startWebUiGateway, viewUrl, waitForTarget, type WebUiGateway } from './support/web-ui-gateway';

const RATE_PER_S = 5_000;
const DURATION_MS = 60_000;
const TICK_MS = 100;
const SAMPLE_MS = 5_000;

// The budget (docs/performance.md "Web UI under load"): about 1.5-2.5x the worst of the runs measured on the
// shared 2-core machine (load average 6-10), so it passes with margin there and still fails a page that
// renders per record, keeps every line, or holds the main thread.
const MIN_RECEIVED_SHARE = 0.95;
const HEAP_GROWTH_BYTES = 8 * 1024 * 1024;
const HEAP_CEILING_BYTES = 64 * 1024 * 1024;
const DOM_CEILING = 1_500;
const LONG_TASK_SHARE = 0.6;
const LONGEST_TASK_MS = 1_000;

const PODS: readonly DemoPod[] = ['checkout-api', 'payments-worker', 'inventory-sync', 'search-api', 'mailer'].map((name) => ({
  namespace: 'team-a',
  name,
  container: 'app',
  labels: { app: name, 'rbac/policy': 'allow' },
}));

interface Sample {
  readonly atMs: number;
  readonly lines: number;
  readonly written: number;
  readonly heapUsed: number;
  readonly domNodes: number;
  readonly longTaskMs: number;
}

interface LongTask {
  readonly startTime: number;
  readonly duration: number;
}

/** Runs in the page: its clock, the one long tasks are stamped with. */
function pageNow(): number {
  return (globalThis as unknown as { performance: { now(): number } }).performance.now();
}

/** Installed before the page's scripts: every long task the main thread runs, kept on a global. */
function observeLongTasks(): void {
  type Entry = { startTime: number; duration: number };
  type Observer = new (callback: (list: { getEntries(): Entry[] }) => void) => { observe(options: object): void };
  const g = globalThis as unknown as { PerformanceObserver: Observer; longTasks: Entry[] };
  g.longTasks = [];
  new g.PerformanceObserver((list) => {
    for (const entry of list.getEntries()) g.longTasks.push({ startTime: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/** Runs in the page: what it shows and counts, its DOM size and the long tasks so far. */
function pageFigures() {
  type El = { getAttribute(name: string): string | null };
  const g = globalThis as unknown as {
    document: {
      querySelector(s: string): El | null;
      querySelectorAll(s: string): Iterable<El>;
      getElementsByTagName(t: string): { length: number };
    };
    longTasks?: { startTime: number; duration: number }[];
  };
  const count = (id: string): number => Number(g.document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-count') ?? 0);
  const seqs = [...g.document.querySelectorAll('[data-seq]')].map((row) => Number(row.getAttribute('data-seq')));
  return {
    lines: count('count-lines'),
    dropped: count('count-dropped'),
    discarded: count('count-discarded'),
    gaps: count('count-gaps'),
    rows: Number(g.document.querySelector('[data-testid="log-view"]')?.getAttribute('data-rows') ?? 0),
    newestSeqInDom: seqs.length === 0 ? 0 : Math.max(...seqs),
    following: g.document.querySelector('[data-testid="follow-toggle"]')?.getAttribute('aria-pressed') === 'true',
    domNodes: g.document.getElementsByTagName('*').length,
    longTasks: g.longTasks === undefined ? undefined : [...g.longTasks],
    now: (globalThis as unknown as { performance: { now(): number } }).performance.now(),
  };
}

/** A line like a service's: JSON with a level most of the time, logfmt or plain text otherwise. */
function lineFor(pod: string, seq: number): string {
  const level = seq % 50 === 0 ? 'error' : seq % 10 === 0 ? 'warn' : 'info';
  if (seq % 3 === 0) return `level=${level} msg="cache refresh" pod=${pod} seq=${seq} keys=${seq % 977}`;
  if (seq % 7 === 0) return `plain text from ${pod} seq=${seq} handled in ${seq % 97} ms`;
  return JSON.stringify({ level, msg: 'request handled', pod, seq, path: `/api/v1/items/${seq % 1013}`, durationMs: seq % 250 });
}

describe('the web UI at 5,000 lines/s', () => {
  let ui: WebUiGateway;
  let page: BrowserPage | undefined;

  beforeAll(async () => {
    ui = await startWebUiGateway({ pods: PODS });
  }, 60_000);

  afterAll(async () => {
    await page?.close();
    await ui?.close();
  });

  it('keeps up for 60 s with a flat heap, a bounded DOM and a long-task budget, while following', async () => {
    page = await signIn(ui, 'alice', {
      url: viewUrl(ui, { ns: 'team-a', tz: 'UTC' }),
      viewport: { width: 1280, height: 800 },
      initScript: observeLongTasks,
    });
    for (const pod of PODS) await waitForTarget(page, `team-a/${pod.name}/app`);
    const opened = page;
    // The observer ran before the page's scripts (it saw the start-up); the run's budget counts from here.
    expect((await opened.evaluate(pageFigures, undefined)).longTasks).toBeInstanceOf(Array);
    const runStart = await opened.evaluate(pageNow, undefined);
    // The forced GCs of the heap samples are the test's own long tasks: windows left out of the budget.
    const measuring: [number, number][] = [];
    const ours = (task: LongTask) => measuring.some(([from, to]) => task.startTime >= from && task.startTime <= to);
    const duringRun = (tasks: readonly LongTask[] | undefined) => (tasks ?? []).filter((task) => task.startTime >= runStart && !ours(task));
    const cdp = await opened.page.context().newCDPSession(opened.page);
    await cdp.send('Performance.enable');

    const TOTAL = (RATE_PER_S * DURATION_MS) / 1000;
    let written = 0;
    const writers = PODS.map((pod) => ui.writers.get(pod.name)!);
    const started = Date.now();
    const writing = (async () => {
      for (let tick = 1; written < TOTAL; tick += 1) {
        // Catch up to the rate from the start, whatever a late timer cost.
        const batch = Math.min(TOTAL, Math.floor(((Date.now() - started) * RATE_PER_S) / 1000)) - written;
        if (batch > 0) {
          const perPod = writers.map(() => [] as string[]);
          for (let seq = written; seq < written + batch; seq += 1) {
            perPod[seq % writers.length]!.push(lineFor(PODS[seq % writers.length]!.name, seq));
          }
          written += batch;
          await Promise.all(writers.map((writer, i) => writer.writeMany(perPod[i]!)));
        }
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + tick * TICK_MS - Date.now())));
      }
    })();

    const samples: Sample[] = [];
    const sample = async (): Promise<void> => {
      const from = await opened.evaluate(pageNow, undefined);
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      const figures = await opened.evaluate(pageFigures, undefined);
      measuring.push([from, figures.now]);
      samples.push({
        atMs: Date.now() - started,
        lines: figures.lines,
        written,
        heapUsed: metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN,
        domNodes: figures.domNodes,
        longTaskMs: duringRun(figures.longTasks).reduce((sum, task) => sum + task.duration, 0),
      });
    };
    for (let n = 1; n * SAMPLE_MS <= DURATION_MS; n += 1) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + n * SAMPLE_MS - Date.now())));
      await sample();
    }
    await writing;
    const wallMs = Date.now() - started;
    // What is still on its way arrives, or is counted as dropped.
    await opened.waitFor(
      (expected) => {
        type El = { getAttribute(name: string): string | null };
        const { document } = globalThis as unknown as { document: { querySelector(s: string): El | null } };
        const count = (id: string): number => Number(document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-count') ?? 0);
        return count('count-lines') + count('count-dropped') >= expected;
      },
      TOTAL,
      20_000,
    );
    // A frame or two for the view to scroll to what just arrived.
    await opened.page.waitForFunction(() => {
      const { requestAnimationFrame: nextFrame } = globalThis as unknown as { requestAnimationFrame(callback: () => void): number };
      return new Promise((resolve) => nextFrame(() => nextFrame(() => resolve(true))));
    });
    const end = await opened.evaluate(pageFigures, undefined);
    await cdp.detach();

    const tasks = duringRun(end.longTasks);
    const excluded = (end.longTasks ?? []).filter((task) => task.startTime >= runStart && ours(task));
    const longTaskMs = tasks.reduce((sum, task) => sum + task.duration, 0);
    const longest = Math.max(0, ...tasks.map((task) => task.duration));
    const rates = samples.map((s, i) => {
      const before = i === 0 ? { atMs: 0, lines: 0 } : samples[i - 1]!;
      return Math.round(((s.lines - before.lines) * 1000) / (s.atMs - before.atMs));
    });
    const third = Math.floor(samples.length / 3);
    const first = samples.slice(0, third);
    const last = samples.slice(-third);
    const maxHeap = (list: readonly Sample[]) => Math.max(...list.map((s) => s.heapUsed));
    const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    const report = {
      written: TOTAL,
      received: end.lines,
      dropped: end.dropped,
      gaps: end.gaps,
      discarded: end.discarded,
      rowsHeld: end.rows,
      wallMs,
      deliveredPerSecond: rates,
      heapMiB: samples.map((s) => mib(s.heapUsed)),
      domNodes: samples.map((s) => s.domNodes),
      longTasks: tasks.length,
      longTaskMs: Math.round(longTaskMs),
      longTaskShare: Math.round((longTaskMs / wallMs) * 1000) / 1000,
      longestTaskMs: Math.round(longest),
      longestTasksMs: tasks
        .map((task) => Math.round(task.duration))
        .sort((a, b) => b - a)
        .slice(0, 8),
      samplingTasks: excluded.length,
      samplingTaskMs: Math.round(excluded.reduce((sum, task) => sum + task.duration, 0)),
    };
    process.stdout.write(`web UI under load: ${JSON.stringify(report)}\n`);

    // Every line reached the page or was counted as dropped for it; nearly all reached it.
    expect(end.lines + end.dropped).toBe(TOTAL);
    expect(end.gaps).toBe(0);
    expect(end.lines).toBeGreaterThanOrEqual(MIN_RECEIVED_SHARE * TOTAL);
    // It keeps the newest DEFAULT_LINE_CAPACITY entries and says how many older ones went.
    expect(end.rows).toBeLessThanOrEqual(DEFAULT_LINE_CAPACITY);
    expect(end.rows + end.discarded).toBeGreaterThanOrEqual(end.lines);
    expect(end.discarded).toBeGreaterThan(0);
    // Still following: the newest entry is on screen.
    expect(end.following).toBe(true);
    expect(end.newestSeqInDom).toBe(end.rows + end.discarded);
    // Memory: flat once the store is full, and bounded outright; the DOM holds the visible rows only.
    expect(maxHeap(last)).toBeLessThanOrEqual(maxHeap(first) + HEAP_GROWTH_BYTES);
    expect(maxHeap(samples)).toBeLessThan(HEAP_CEILING_BYTES);
    expect(Math.max(...samples.map((s) => s.domNodes), end.domNodes)).toBeLessThan(DOM_CEILING);
    // The main thread: long tasks within budget.
    expect(longTaskMs / wallMs).toBeLessThan(LONG_TASK_SHARE);
    expect(longest).toBeLessThan(LONGEST_TASK_MS);
  }, 150_000);
});
