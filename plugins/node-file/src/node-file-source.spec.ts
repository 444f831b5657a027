import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, readdir, rm, symlink, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type LogRecord, type LogSource, silentLogger, type SourceEvent } from '@tailgate/plugin-sdk';
import { collectBacklog, collectStream, describeLogSource, registerForTest, type StreamCollector } from '@tailgate/plugin-sdk/testing';
import { afterEach, describe, expect, it } from 'vitest';

import {
  containerBacklog,
  formatCursor,
  PodDirectoryScanner,
  type PodSelector,
  toEpochNanos,
  TRUNCATED_LINE_MARKER,
} from '@tailgate/cri-logs';
import { NodeFileConfigSchema } from './node-file-config';
import { nodeFilePlugin } from './plugin';
import { CriLogWriter } from '@tailgate/cri-logs/testing';

const FAST = { pollIntervalMs: 5, scanIntervalMs: 20 };

async function makeSource(root: string, config: object = {}): Promise<LogSource<PodSelector>> {
  const { sources } = await registerForTest(nodeFilePlugin, { root, ...FAST, ...config });
  return sources[0] as LogSource<PodSelector>;
}

describeLogSource('node-file', async () => {
  const root = await mkdtemp(join(tmpdir(), 'node-file-conformance-'));
  const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
  return {
    source: await makeSource(root),
    selector: { namespace: 'acme', pod: 'web-0' },
    invalidSelectors: [
      { namespace: 'Acme' },
      { namespace: 'a_b' },
      { pod: '' },
      { pod: '../etc' },
      { container: 'x'.repeat(64) },
      { labelSelector: 'app=web' },
      'acme',
      null,
    ],
    produce: (lines) => writer.writeMany(lines),
    openUpstreams: () => openFilesUnder(root).length,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

/** Files under `root` this process holds open, from /proc/self/fd. */
function openFilesUnder(root: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(root) ? [target] : [];
    } catch {
      return []; // closed while listing
    }
  });
}

const openDescriptors = async () => (await readdir('/proc/self/fd')).length;
const ctx = () => ({ signal: new AbortController().signal, logger: silentLogger });
const lines = (c: StreamCollector) => c.records.map((r) => r.line);
const targetEvents = (events: readonly SourceEvent[]) =>
  events.flatMap((e) => (e.type === 'target' ? [`${e.op} ${e.target.namespace}/${e.target.pod}/${e.target.container}`] : []));

describe('node-file pods source', () => {
  let root: string;
  let collector: StreamCollector | undefined;

  afterEach(async () => {
    await collector?.stop();
    collector = undefined;
    await rm(root, { recursive: true, force: true });
  });

  async function open(selector: PodSelector, config: object = {}) {
    const source = await makeSource(root, config);
    collector = collectStream(source, selector);
    return { source, collector };
  }

  const setUp = async () => (root = await mkdtemp(join(tmpdir(), 'node-file-')));

  it('starts at the current end of files present at open', async () => {
    await setUp();
    const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    await writer.writeMany(['old 1', 'old 2']);
    const { collector } = await open({});
    await writer.writeMany(['new 1', 'new 2']);
    await collector.waitFor((c) => c.records.length >= 2);
    expect(lines(collector)).toEqual(['new 1', 'new 2']);
  });

  it('reads containers that appear later from their start and announces them first', async () => {
    await setUp();
    const { collector } = await open({ namespace: 'acme' });
    const web = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    await web.writeMany(['a', 'b']);
    new CriLogWriter(root, { namespace: 'other', pod: 'web-0', container: 'app' });
    await collector.waitFor((c) => c.records.length >= 2);
    expect(lines(collector)).toEqual(['a', 'b']);
    expect(collector.events[0]).toEqual({ type: 'target', op: 'added', target: web.target });
    expect(targetEvents(collector.events)).toEqual(['added acme/web-0/app']);
  });

  it('announces a removed target after the last of its records, as deleted', async () => {
    await setUp();
    const web = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    const { collector } = await open({ namespace: 'acme' });
    await collector.waitFor((c) => c.events.length >= 1);
    await web.writeMany(['last words']);
    await web.remove();
    await collector.waitFor((c) => targetEvents(c.events).length >= 2);
    expect(targetEvents(collector.events)).toEqual(['added acme/web-0/app', 'removed acme/web-0/app']);
    expect(lines(collector)).toEqual(['last words']);
    expect(collector.events.at(-1)).toEqual({ type: 'target', op: 'removed', target: web.target, reason: 'deleted' });
  });

  it('follows only the selected container', async () => {
    await setUp();
    const app = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    const sidecar = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'proxy', uid: 'u1' });
    const { collector } = await open({ namespace: 'acme', pod: 'web-0', container: 'proxy' });
    await collector.waitFor((c) => c.events.length >= 1);
    await app.write('not me');
    await sidecar.write('me', { stream: 'stderr' });
    await collector.waitFor((c) => c.records.length >= 1);
    expect(collector.records.map((r) => [r.line, r.stream, r.target.container])).toEqual([['me', 'stderr', 'proxy']]);
  });

  it('streams every line exactly once through renames and restarts while it runs', async () => {
    await setUp();
    const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    const { collector } = await open({});
    await collector.waitFor((c) => c.events.length >= 1);
    const expected: string[] = [];
    for (let round = 0; round < 6; round++) {
      const batch = Array.from({ length: 20 }, (_, i) => `r${round} l${i}`);
      expected.push(...batch);
      await writer.writeMany(batch.slice(0, 10));
      if (round % 3 === 2) await writer.restart();
      else await writer.rotate();
      await writer.writeMany(batch.slice(10));
    }
    await collector.waitFor((c) => c.records.length >= expected.length);
    expect(lines(collector)).toEqual(expected);
    const cursors = collector.records.map((r) => r.cursor);
    expect([...cursors].sort()).toEqual(cursors);
  });

  it('yields batches of at most maxBatchRecords', async () => {
    await setUp();
    const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    const { collector } = await open({}, { maxBatchRecords: 7 });
    const many = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    await writer.writeMany(many);
    await collector.waitFor((c) => c.records.length >= 50);
    expect(lines(collector)).toEqual(many);
    const sizes = collector.events.flatMap((e) => (e.type === 'records' ? [e.records.length] : []));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(7);
  });

  it('logs truncated and malformed lines as counts, never their content', async () => {
    await setUp();
    const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'web-0', container: 'app' });
    const warnings: unknown[] = [];
    const logger = { ...silentLogger, warn: (fields: object, message?: string) => void warnings.push({ fields, message }) };
    const source = await makeSource(root, { maxLineBytes: 16 });
    collector = undefined;
    const controller = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const event of source.open({}, { signal: controller.signal, logger })) {
        if (event.type === 'records') seen.push(...event.records.map((r) => r.line));
      }
    })();
    await writer.write('secret-'.repeat(10), { partialChunkBytes: 5 });
    await writer.writeRaw('secret garbage\n');
    await writer.write('done');
    await expect.poll(() => warnings.length, { timeout: 2_000 }).toBeGreaterThan(0);
    controller.abort();
    await done;
    expect(seen).toEqual([`secret-secret-se${TRUNCATED_LINE_MARKER}`, 'done']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ fields: { target: writer.target, malformedLines: 1, truncatedLines: 1 } });
    expect(JSON.stringify(warnings)).not.toContain('secret');
  });

  it('closes every file it opened once aborted', async () => {
    await setUp();
    const writers = ['a', 'b', 'c'].map((pod) => new CriLogWriter(root, { namespace: 'acme', pod, container: 'app' }));
    const before = await openDescriptors();
    const { collector } = await open({});
    for (const writer of writers) await writer.write('hi');
    await collector.waitFor((c) => c.records.length >= 3);
    expect(await openDescriptors()).toBeGreaterThanOrEqual(before + 3);
    await collector.stop();
    expect(await openDescriptors()).toBe(before);
  });

  it('keeps running on a root it cannot list, logging its code once', async () => {
    await setUp();
    const warnings: { fields: object; message?: string }[] = [];
    const logger = { ...silentLogger, warn: (fields: object, message?: string) => void warnings.push({ fields, message }) };
    // Root ignores file modes; a symlink loop cannot be listed by anyone.
    const loop = join(root, 'loop');
    await symlink(loop, loop);
    const source = await makeSource(loop);
    const controller = new AbortController();
    const events: SourceEvent[] = [];
    const done = (async () => {
      for await (const event of source.open({}, { signal: controller.signal, logger })) events.push(event);
    })();
    await expect.poll(() => warnings.length, { timeout: 2_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 3 * FAST.scanIntervalMs));
    controller.abort();
    await done;
    expect(warnings).toEqual([
      { fields: { path: loop, code: 'ELOOP' }, message: 'log directory unreadable; skipped until it can be read' },
    ]);
    expect(events).toEqual([]);
  });

  it('describes its selector as a scope and a deterministic stream key', async () => {
    await setUp();
    const source = await makeSource(root);
    const selector = source.selector.parse({ pod: 'web-0', namespace: 'acme' });
    expect(source.scope(selector)).toEqual([{ namespace: 'acme', pod: 'web-0' }]);
    expect(source.scope(source.selector.parse({}))).toEqual([{}]);
    expect(source.streamKey(selector)).toBe('acme/web-0/*');
    expect(source.streamKey(source.selector.parse({ namespace: 'acme', pod: 'web-0' }))).toBe(source.streamKey(selector));
    expect(source.streamKey(source.selector.parse({ container: 'app' }))).toBe('*/*/app');
  });

  it('accepts Kubernetes names and refuses anything else', async () => {
    await setUp();
    const { selector } = await makeSource(root);
    for (const good of [{}, { namespace: 'kube-system', pod: 'coredns-7db6d8ff4d-abc12', container: 'coredns' }, { pod: 'web.v1' }]) {
      expect(selector.safeParse(good).success, JSON.stringify(good)).toBe(true);
    }
    for (const bad of [
      { namespace: '-a' },
      { namespace: 'a.b' },
      { pod: 'Web' },
      { container: 'a b' },
      { pod: 'x'.repeat(254) },
      { node: 'n1' },
    ]) {
      expect(selector.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('gives a backlog of the last `tail` records per target from rotated and current files', async () => {
    await setUp();
    const a = new CriLogWriter(root, { namespace: 'acme', pod: 'a', container: 'app' });
    const b = new CriLogWriter(root, { namespace: 'acme', pod: 'b', container: 'app' });
    await a.writeMany(['a1', 'a2']);
    await a.rotate();
    await a.writeMany(['a3', 'a4']);
    await b.writeMany(['b1', 'b2', 'b3']);
    const source = await makeSource(root);
    const backlog = await collectBacklog(source.backlog!({ namespace: 'acme' }, { tail: 3 }, ctx()));
    expect(backlog.records.map((r) => r.line).sort()).toEqual(['a2', 'a3', 'a4', 'b1', 'b2', 'b3']);
    expect(backlog.records.filter((r) => r.target.pod === 'a').map((r) => r.line)).toEqual(['a2', 'a3', 'a4']);
    expect(backlog.targets).toHaveLength(2);
    expect((await collectBacklog(source.backlog!({}, {}, ctx()))).records).toEqual([]);
  });

  it('gives a backlog of records at or after `since`, limited by `tail` when given', async () => {
    await setUp();
    const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'a', container: 'app' });
    await writer.write('early', { ts: '2024-05-01T10:00:00.000000001Z' });
    await writer.write('on time', { ts: '2024-05-01T10:00:01Z' });
    await writer.write('late', { ts: '2024-05-01T12:00:01.5+02:00' });
    await writer.write('later', { ts: '2024-05-01T10:00:02.000000001Z' });
    const source = await makeSource(root);
    const since = new Date('2024-05-01T10:00:01Z');
    expect((await collectBacklog(source.backlog!({}, { since }, ctx()))).records.map((r) => r.line)).toEqual(['on time', 'late', 'later']);
    expect((await collectBacklog(source.backlog!({}, { since, tail: 1 }, ctx()))).records.map((r) => r.line)).toEqual(['later']);
  });

  it('merges the containers of a `since` backlog oldest first, in pages', async () => {
    await setUp();
    const a = new CriLogWriter(root, { namespace: 'acme', pod: 'a', container: 'app' });
    const b = new CriLogWriter(root, { namespace: 'acme', pod: 'b', container: 'app' });
    const second = (s: number) => `2024-05-01T10:00:${String(s).padStart(2, '0')}Z`;
    for (const s of [1, 3, 5, 7, 9]) await a.write(`a${s}`, { ts: second(s) });
    await a.rotate();
    await a.write('a11', { ts: second(11) });
    for (const s of [0, 2, 4, 6, 8, 10]) await b.write(`b${s}`, { ts: second(s) });
    // 64-byte reads: every line is a read of its own; pages of at most 3 records.
    const source = await makeSource(root, { readChunkBytes: 64, maxBatchRecords: 3 });
    const backlog = await collectBacklog(source.backlog!({}, { since: new Date(second(2)) }, ctx()));
    expect(backlog.records.map((r) => r.line)).toEqual(['b2', 'a3', 'b4', 'a5', 'b6', 'a7', 'b8', 'a9', 'b10', 'a11']);
    expect(backlog.pages).toBe(4);
  });

  it('reads the start of a tail again when its records are larger than it holds, with the same records', async () => {
    await setUp();
    const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'a', container: 'app' });
    const lines = Array.from({ length: 12 }, (_, i) => `line ${i} ${'y'.repeat(i * 20)}`);
    await writer.writeMany(lines.slice(0, 6), { ts: '2024-05-01T10:00:00Z' });
    await writer.rotate();
    await writer.writeMany(lines.slice(6), { ts: '2024-05-01T10:00:01Z' });
    const [dir] = await new PodDirectoryScanner(root, {}).scan();
    const options = NodeFileConfigSchema.parse({ root });
    const read = async (holdBytes: number) => {
      const pages: (readonly LogRecord[])[] = [];
      for await (const page of containerBacklog(dir!, { tail: 8 }, options, new AbortController().signal, holdBytes)) pages.push(page);
      return pages.flat();
    };
    const held = await read(1024 * 1024);
    expect(held.map((r) => r.line)).toEqual(lines.slice(4));
    // Room for about two of them: the other six are read again, across the rotation.
    expect(await read(600)).toEqual(held);
    expect(await read(1)).toEqual(held);
  });

  it('resumes each listed target right after its cursor, across rotations, and others after `otherwise`', async () => {
    await setUp();
    const a = new CriLogWriter(root, { namespace: 'acme', pod: 'a', container: 'app' });
    const b = new CriLogWriter(root, { namespace: 'acme', pod: 'b', container: 'app' });
    const ts = '2024-05-01T10:00:00Z';
    await a.writeMany(['a1', 'a2'], { ts });
    await a.rotate();
    await a.writeMany(['a3', 'a4'], { ts });
    await b.writeMany(['b1', 'b2'], { ts: '2024-05-01T10:00:01Z' });
    const source = await makeSource(root);
    expect(source.resumable).toBe(true);
    const all = (await collectBacklog(source.backlog!({}, { tail: 100 }, ctx()))).records;
    const cursorOf = (line: string) => all.find((r) => r.line === line)!.cursor;
    const resume = async (byTarget: Record<string, string>, otherwise?: string) =>
      (
        await collectBacklog(
          source.backlog!({}, { after: { byTarget: new Map(Object.entries(byTarget)), ...(otherwise && { otherwise }) } }, ctx()),
        )
      ).records;

    const fromA1 = await resume({ 'acme/a/app': cursorOf('a1') });
    expect(fromA1.map((r) => r.line)).toEqual(['a2', 'a3', 'a4']);
    expect(fromA1).toEqual(all.filter((r) => ['a2', 'a3', 'a4'].includes(r.line)));
    expect((await resume({ 'acme/a/app': cursorOf('a3'), 'acme/b/app': cursorOf('b1') })).map((r) => r.line)).toEqual(['a4', 'b2']);
    expect((await resume({ 'acme/a/app': cursorOf('a4') }, cursorOf('a4'))).map((r) => r.line)).toEqual(['b1', 'b2']);
    expect((await resume({}, cursorOf('a2'))).map((r) => r.line)).toEqual(['a3', 'a4', 'b1', 'b2']);
    expect(await resume({ 'acme/a/app': cursorOf('a4'), 'acme/b/app': cursorOf('b2') })).toEqual([]);
  });

  it('does not read rotated files last written well before the resume cursor', async () => {
    await setUp();
    const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'a', container: 'app' });
    // Claims a time after its file's modification time, which a real runtime never writes: read
    // only if the file were read.
    await writer.write('impossible', { ts: '2024-05-01T13:00:00Z' });
    const rotated = await writer.rotate();
    await utimes(rotated, new Date('2024-05-01T10:00:00Z'), new Date('2024-05-01T10:00:00Z'));
    await writer.writeMany(['n1', 'n2', 'n3'], { ts: '2024-05-01T12:00:00Z' });
    const source = await makeSource(root);
    const afterN1 = { byTarget: new Map([['acme/a/app', formatCursor(toEpochNanos('2024-05-01T12:00:00Z')!, 0)]]) };
    expect((await collectBacklog(source.backlog!({}, { after: afterN1 }, ctx()))).records.map((r) => r.line)).toEqual(['n2', 'n3']);
    const early = { byTarget: new Map([['acme/a/app', formatCursor(toEpochNanos('2024-05-01T09:00:00Z')!, 0)]]) };
    expect((await collectBacklog(source.backlog!({}, { after: early }, ctx()))).records.map((r) => r.line)).toEqual([
      'impossible',
      'n1',
      'n2',
      'n3',
    ]);
  });

  it('gives backlog records the cursors the live stream gave them', async () => {
    await setUp();
    const writer = new CriLogWriter(root, { namespace: 'acme', pod: 'a', container: 'app' });
    const ts = '2024-05-01T10:00:00Z';
    await writer.writeMany(['x1', 'x2'], { ts });
    const { source, collector } = await open({});
    await collector.waitFor((c) => c.events.length >= 1);
    await writer.writeMany(['x3', 'x4'], { ts });
    await writer.rotate();
    await writer.writeMany(['x5'], { ts });
    await collector.waitFor((c) => c.records.length >= 3);
    const backlog = await collectBacklog(source.backlog!({}, { tail: 3 }, ctx()));
    expect(backlog.records).toEqual(collector.records);
    expect(collector.records.map((r) => r.cursor.slice(-2))).toEqual(['02', '03', '04']);
  });
});
