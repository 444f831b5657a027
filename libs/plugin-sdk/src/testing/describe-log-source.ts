// Conformance suite every log source passes, bundled or third-party:
//   describeLogSource('node-file', async () => ({ source, selector, invalidSelectors, produce }))
import { afterEach, describe, expect, it } from 'vitest';

import type { LogSource } from '../log-source';
import { silentLogger } from '../plugin-logger';
import { type LogRecord, targetKey } from '../records';
import { collectBacklog } from './collect-backlog';
import { collectStream, type StreamCollector } from './collect-stream';

export interface LogSourceFixture<S> {
  readonly source: LogSource<S>;
  /** A raw selector (as a client would send it) that the source accepts. */
  readonly selector: unknown;
  /** Raw selectors the source must refuse. */
  readonly invalidSelectors: readonly unknown[];
  /** Makes the upstream behind `selector` produce these lines, in order, for one target. */
  produce(lines: readonly string[]): Promise<void>;
  cleanup?(): Promise<void>;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

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
      expect(collector.records.map((r) => r.line)).toEqual(lines);
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
      if (!source.backlog) return;
      const parsed = source.selector.parse(selector);
      collector = collectStream(source, parsed);
      await produce(['one', 'two', 'three', 'four']);
      await collector.waitFor((c) => c.records.length >= 4);
      const ctx = { signal: new AbortController().signal, logger: silentLogger };
      const backlog = await collectBacklog(source.backlog(parsed, { tail: 2 }, ctx));
      expect(backlog.records.map((r) => r.line)).toEqual(['three', 'four']);
      expect(backlog.records.map((r) => r.cursor)).toEqual(collector.records.slice(2, 4).map((r) => r.cursor));
    });

    it('gives a `since` backlog oldest first, with the cursors of the live stream, in pages', async () => {
      const current = await setUp();
      const { source, selector } = current;
      if (!source.backlog) return;
      const parsed = source.selector.parse(selector);
      collector = collectStream(source, parsed);
      const lines = Array.from({ length: 30 }, (_, i) => `since line ${i}`);
      await current.produce(lines);
      await collector.waitFor((c) => c.records.length >= lines.length);
      const ctx = { signal: new AbortController().signal, logger: silentLogger };
      const since = new Date(Date.now() - 10 * 60_000);
      const backlog = await collectBacklog(source.backlog(parsed, { since }, ctx));
      expect(backlog.records.map((r) => r.line)).toEqual(lines);
      expect(backlog.records.map((r) => r.cursor)).toEqual(collector.records.map((r) => r.cursor));
      const announced = new Set(backlog.targets.map(targetKey));
      for (const record of backlog.records) expect(announced.has(targetKey(record.target))).toBe(true);
    });

    it('releases its read when the host stops taking pages', async () => {
      const current = await setUp();
      const { source, selector } = current;
      if (!source.backlog) return;
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

    it('declares backlog limits that are positive when it declares any', async () => {
      const { source } = await setUp();
      const { maxSinceMs, maxTail } = source.backlogLimits ?? {};
      if (maxSinceMs !== undefined) expect(maxSinceMs).toBeGreaterThan(0);
      if (maxTail !== undefined) expect(maxTail).toBeGreaterThan(0);
    });
  });
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
