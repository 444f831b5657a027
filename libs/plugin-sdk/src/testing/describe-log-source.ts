// Conformance suite every log source passes, bundled or third-party:
//   describeLogSource('node-file', async () => ({ source, selector, invalidSelectors, produce, openUpstreams }))
import { afterEach, describe, expect, it } from 'vitest';

import type { BacklogOptions, LogSource } from '../log-source';
import { silentLogger } from '../plugin-logger';
import { type LogRecord, targetKey } from '../records';
import { collectBacklog } from './collect-backlog';
import { collectStream, type StreamCollector } from './collect-stream';
import { expectUpstreamsHeld, expectUpstreamsReleased, type UpstreamCount, UPSTREAM_RELEASE_MS } from './expect-upstreams-released';
import { joinBacklogAndLive } from './join-backlog-and-live';

export interface LogSourceFixture<S> {
  readonly source: LogSource<S>;
  /** A raw selector (as a client would send it) that the source accepts. */
  readonly selector: unknown;
  /** Raw selectors the source must refuse. */
  readonly invalidSelectors: readonly unknown[];
  /** Makes the upstream behind `selector` produce these lines, in order, for one target. */
  produce(lines: readonly string[]): Promise<void>;
  /**
   * Upstream requests or handles the source holds open now, counted outside it: requests in
   * flight to the apiserver (or its double), files open under the fixture's directory, bus
   * subscriptions. Set, the suite checks that a live stream holds some, and that they all close
   * within 2 s of an abort of `open()` or of a `backlog()` read. Every bundled source sets it.
   */
  openUpstreams?: UpstreamCount;
  /**
   * The line a record carries for a produced line, for sources that render their records (an
   * event's reason before its message). Default: the produced line itself.
   */
  lineOf?(produced: string): string;
  cleanup?(): Promise<void>;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** Enough records for a backlog of several pages, so a read stopped after the first is mid-way. */
const BACKLOG_READ_LINES = 600;
const SINCE_WINDOW_MS = 10 * 60_000;
/** Fewer than a fixture writes at once, so the tail starts inside such a write. */
const JOIN_TAIL = 5;
const READ_ENDINGS = [
  ['return', true],
  ['abort', true],
  ['return', false],
  ['abort', false],
] as const;

const numbered = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix} ${i}`);
const linesOf = (fixture: Pick<LogSourceFixture<unknown>, 'lineOf'>, produced: readonly string[]) =>
  produced.map((line) => fixture.lineOf?.(line) ?? line);

export function describeLogSource<S>(name: string, makeFixture: () => Promise<LogSourceFixture<S>>): void {
  describe(`LogSource conformance: ${name}`, () => {
    let fixture: LogSourceFixture<S> | undefined;
    let collector: StreamCollector | undefined;
    const setUp = async (): Promise<LogSourceFixture<S>> => (fixture = await makeFixture());

    afterEach(async () => {
      await collector?.stop();
      await fixture?.cleanup?.();
      collector = undefined;
      fixture = undefined;
    });

    it('accepts its valid selector and refuses every invalid one', async () => {
      const { source, selector, invalidSelectors } = await setUp();
      expect(source.selector.safeParse(selector).success).toBe(true);
      for (const bad of invalidSelectors) expect(source.selector.safeParse(bad).success).toBe(false);
    });

    it('derives the same stream key from a selector and from its JSON round trip', async () => {
      const { source, selector } = await setUp();
      const parsed = source.selector.parse(selector);
      const roundTripped = source.selector.parse(JSON.parse(JSON.stringify(parsed)));
      expect(source.streamKey(roundTripped)).toBe(source.streamKey(parsed));
      expect(source.streamKey(parsed)).toMatch(/\S/);
    });

    it('states a scope for authorizers to judge', async () => {
      const { source, selector } = await setUp();
      const scopes = source.scope(source.selector.parse(selector));
      expect(scopes.length).toBeGreaterThan(0);
    });

    it('announces each target before its records and keeps cursors in source order', async () => {
      const current = await setUp();
      const { source, selector } = current;
      const produce = (lines: readonly string[]) => current.produce(lines);
      collector = collectStream(source, source.selector.parse(selector));
      const lines = Array.from({ length: 25 }, (_, i) => `conformance line ${i}`);
      await produce(lines);
      await collector.waitFor((c) => c.records.length >= lines.length);
      expect(collector.records.map((r) => r.line)).toEqual(linesOf(current, lines));
      assertAnnouncedAndOrdered(collector);
      for (const record of collector.records) expect(record.ts).toMatch(RFC3339);
    });

    it('ends its iteration promptly once aborted', async () => {
      const current = await setUp();
      const { source, selector } = current;
      const produce = (lines: readonly string[]) => current.produce(lines);
      collector = collectStream(source, source.selector.parse(selector));
      await produce(['before abort']);
      await collector.waitFor((c) => c.records.length >= 1);
      const started = Date.now();
      await collector.stop();
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('gives a backlog of at most `tail` records per target, oldest first', async () => {
      const current = await setUp();
      const { source, selector } = current;
      const produce = (lines: readonly string[]) => current.produce(lines);
      if (!source.backlog) return expectNoBacklogClaims(source);
      const parsed = source.selector.parse(selector);
      collector = collectStream(source, parsed);
      await produce(['one', 'two', 'three', 'four']);
      await collector.waitFor((c) => c.records.length >= 4);
      const ctx = { signal: new AbortController().signal, logger: silentLogger };
      const backlog = await collectBacklog(source.backlog(parsed, { tail: 2 }, ctx));
      expect(backlog.records.map((r) => r.line)).toEqual(linesOf(current, ['three', 'four']));
      expect(backlog.records.map((r) => r.cursor)).toEqual(collector.records.slice(2, 4).map((r) => r.cursor));
    });

    it('gives a `since` backlog oldest first, with the cursors of the live stream, in pages', async () => {
      const current = await setUp();
      const { source, selector } = current;
      if (!source.backlog) return expectNoBacklogClaims(source);
      const parsed = source.selector.parse(selector);
      collector = collectStream(source, parsed);
      const lines = Array.from({ length: 30 }, (_, i) => `since line ${i}`);
      await current.produce(lines);
      await collector.waitFor((c) => c.records.length >= lines.length);
      const ctx = { signal: new AbortController().signal, logger: silentLogger };
      const since = new Date(Date.now() - SINCE_WINDOW_MS);
      const backlog = await collectBacklog(source.backlog(parsed, { since }, ctx));
      expect(backlog.records.map((r) => r.line)).toEqual(linesOf(current, lines));
      expect(backlog.records.map((r) => r.cursor)).toEqual(collector.records.map((r) => r.cursor));
      const announced = new Set(backlog.targets.map(targetKey));
      for (const record of backlog.records) expect(announced.has(targetKey(record.target))).toBe(true);
    });

    it('releases its read when the host stops taking pages', async () => {
      const current = await setUp();
      const { source, selector } = current;
      if (!source.backlog) return expectNoBacklogClaims(source);
      const parsed = source.selector.parse(selector);
      collector = collectStream(source, parsed);
      await current.produce(['kept', 'not needed']);
      await collector.waitFor((c) => c.records.length >= 2);
      const ctx = { signal: new AbortController().signal, logger: silentLogger };
      const { pages } = await source.backlog(parsed, { tail: 2 }, ctx);
      const iterator = pages[Symbol.asyncIterator]();
      const first = await iterator.next();
      expect(first.done).toBe(false);
      const started = Date.now();
      expect((await iterator.return?.())?.done ?? true).toBe(true);
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('gives a listener that takes a backlog (since, then tail) and then the live stream every line once', async () => {
      const current = await setUp();
      const { source, selector } = current;
      if (!source.backlog) return expectNoBacklogClaims(source);
      const live = (collector = collectStream(source, source.selector.parse(selector)));
      const produced: string[] = [];
      const since = new Date(Date.now() - SINCE_WINDOW_MS);
      const sinceJoin = await joinBacklogThenLive(current, live, { since }, 'since', produced);
      expect(sinceJoin).toEqual(linesOf(current, produced));
      // A tail starts inside what was written at once: its cursors must still be the live ones.
      const tailJoin = await joinBacklogThenLive(current, live, { tail: JOIN_TAIL }, 'tail', produced);
      expect(tailJoin.length).toBeGreaterThanOrEqual(JOIN_TAIL);
      expect(tailJoin).toEqual(linesOf(current, produced.slice(-tailJoin.length)));
    });

    it('holds upstreams while live and releases every one within 2 s of an abort', async () => {
      const current = await setUp();
      const { source, selector, openUpstreams } = current;
      collector = collectStream(source, source.selector.parse(selector));
      await current.produce(['held']);
      await collector.waitFor((c) => c.records.length >= 1);
      // Without a count from the fixture, only the end of the iteration can be checked.
      if (!openUpstreams) return expectEndsWithin(collector.stop(), 'an aborted live stream');
      await expectUpstreamsHeld(openUpstreams, 'a live stream');
      const abortedAt = Date.now();
      await collector.stop();
      await expectUpstreamsReleased(openUpstreams, abortedAt, 'an aborted live stream');
    });

    it('releases every upstream of a backlog read within 2 s of an abort or of the host taking no more pages', async () => {
      const current = await setUp();
      const { source, selector, openUpstreams } = current;
      if (!source.backlog) return expectNoBacklogClaims(source);
      const parsed = source.selector.parse(selector);
      const live = collectStream(source, parsed);
      collector = live;
      const lines = numbered('backlog read', BACKLOG_READ_LINES);
      await current.produce(lines);
      await live.waitFor((c) => c.records.length >= lines.length);
      const stoppedAt = Date.now();
      await live.stop();
      if (openUpstreams) await expectUpstreamsReleased(openUpstreams, stoppedAt, 'an aborted live stream');
      const since = new Date(Date.now() - SINCE_WINDOW_MS);
      // The host stops a read when its listener leaves (return) or gives up on it (abort), before
      // or after taking a page; an abort may come with a page asked for, or with none ever again.
      for (const [ending, afterPage] of READ_ENDINGS) {
        const controller = new AbortController();
        const backlog = await source.backlog(parsed, { since }, { signal: controller.signal, logger: silentLogger });
        const pages = backlog.pages[Symbol.asyncIterator]();
        if (afterPage) expect((await pages.next()).done).toBe(false);
        const endedAt = Date.now();
        const what = `a backlog read ended by ${ending} ${afterPage ? 'after a page' : 'before any page'}`;
        if (ending === 'return') await expectEndsWithin(Promise.resolve(pages.return?.()), what);
        else if (afterPage) await expectEndsWithin(abortRead(controller, pages), what);
        else controller.abort();
        if (openUpstreams) await expectUpstreamsReleased(openUpstreams, endedAt, what);
      }
    });

    it('declares backlog limits that are positive when it declares any', async () => {
      const { source } = await setUp();
      const { maxSinceMs, maxTail } = source.backlogLimits ?? {};
      if (maxSinceMs !== undefined) expect(maxSinceMs).toBeGreaterThan(0);
      if (maxTail !== undefined) expect(maxTail).toBeGreaterThan(0);
    });
  });
}

/**
 * Aborts a backlog read, then asks for a page as a host that had one in flight would: the answer
 * (an end, a failure, even a page already in memory) must come promptly.
 */
async function abortRead(controller: AbortController, pages: AsyncIterator<readonly LogRecord[]>): Promise<void> {
  controller.abort();
  const started = Date.now();
  await pages.next().catch(() => undefined);
  expect(Date.now() - started, 'a page asked for after the abort').toBeLessThan(2_000);
}

/**
 * One listener joining: lines before, the backlog read while more lines come, lines after; then
 * what the host would send it (joinBacklogAndLive), after checking that every line the backlog
 * and the live stream share has one cursor. Appends the lines produced to `produced`.
 */
async function joinBacklogThenLive<S>(
  fixture: LogSourceFixture<S>,
  live: StreamCollector,
  window: BacklogOptions,
  label: string,
  produced: string[],
): Promise<string[]> {
  const { source } = fixture;
  if (!source.backlog) throw new Error(`${label}: the source has no backlog`);
  const [before, during, after] = [numbered(`${label} before`, 10), numbered(`${label} during`, 30), numbered(`${label} after`, 10)];
  const ready = live.records.length + before.length;
  await fixture.produce(before);
  await live.waitFor((c) => c.records.length >= ready);
  // The listener joins here: what the live stream gives from now on, it gets after its backlog.
  const joinedAt = live.records.length;
  const ctx = { signal: new AbortController().signal, logger: silentLogger };
  const reading = collectBacklog(source.backlog(source.selector.parse(fixture.selector), window, ctx));
  // Lines keep coming while the backlog is read: some land in it, some only in the live stream.
  for (let i = 0; i < during.length; i += 10) await fixture.produce(during.slice(i, i + 10));
  const backlog = await reading;
  await fixture.produce(after);
  produced.push(...before, ...during, ...after);
  await live.waitFor((c) => c.records.length >= produced.length);
  const liveCursor = new Map(live.records.map((r) => [r.line, r.cursor]));
  for (const record of backlog.records) {
    const cursor = liveCursor.get(record.line);
    if (cursor !== undefined) expect(record.cursor, `backlog and live cursors of ${record.line}`).toBe(cursor);
  }
  return joinBacklogAndLive(backlog.records, live.records.slice(joinedAt)).map((r) => r.line);
}

/** A source without a backlog cannot resume or limit backlog windows: it must not say it does. */
function expectNoBacklogClaims(source: LogSource<unknown>): void {
  expect(source.resumable, 'a source without backlog() cannot be resumable').not.toBe(true);
  expect(source.backlogLimits, 'a source without backlog() has no backlog limits').toBeUndefined();
}

/** Ending a read or a stream settles within the kit's bound. */
async function expectEndsWithin(ending: Promise<unknown>, what: string): Promise<void> {
  const started = Date.now();
  await ending;
  expect(Date.now() - started, `${what} took too long to end`).toBeLessThan(UPSTREAM_RELEASE_MS);
}

function assertAnnouncedAndOrdered(collector: StreamCollector): void {
  const announced = new Set<string>();
  const lastCursor = new Map<string, string>();
  for (const event of collector.events) {
    if (event.type === 'target') {
      if (event.op === 'added') announced.add(targetKey(event.target));
      else announced.delete(targetKey(event.target));
      continue;
    }
    for (const record of event.records) checkRecord(record, announced, lastCursor);
  }
}

function checkRecord(record: LogRecord, announced: Set<string>, lastCursor: Map<string, string>): void {
  const key = targetKey(record.target);
  expect(announced.has(key), `record for ${key} before its target was announced`).toBe(true);
  const previous = lastCursor.get(key);
  if (previous !== undefined) expect(record.cursor > previous, `cursor ${record.cursor} not after ${previous}`).toBe(true);
  lastCursor.set(key, record.cursor);
}
