import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { auditEventSchema, type AuditEvent } from './audit-event';
import { auditEventLine } from './audit-sink';
import { JsonLinesFileSink } from './json-lines-file-sink';
import { sampleEvents } from './testing/audit-samples';

const never = new AbortController().signal;

function numbered(n: number): AuditEvent[] {
  const [template] = sampleEvents();
  return Array.from({ length: n }, (_, i) => ({ ...template!, auditID: `event-${String(i).padStart(3, '0')}` }));
}

async function linesOf(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  return text === '' ? [] : text.trimEnd().split('\n');
}

describe('JsonLinesFileSink', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tailgate-audit-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one audit.k8s.io/v1 Event per line, to a file only its owner may read', async () => {
    const path = join(dir, 'audit.log');
    await writeFile(path, 'earlier\n', { mode: 0o600 });
    const sink = new JsonLinesFileSink({ path });
    const events = sampleEvents();
    await sink.deliver(events, never);
    await sink.close();
    const lines = await linesOf(path);
    expect(lines[0]).toBe('earlier');
    expect(lines.slice(1).map((line) => auditEventSchema.parse(JSON.parse(line)))).toEqual(events);
    const fresh = join(dir, 'fresh.log');
    const other = new JsonLinesFileSink({ path: fresh });
    await other.deliver(events.slice(0, 1), never);
    await other.close();
    expect((await stat(fresh)).mode & 0o777).toBe(0o600);
  });

  it('rotates by size into .1 … .maxBackups, never keeping more, losing no line in between', async () => {
    const path = join(dir, 'audit.log');
    const events = numbered(40);
    const lineBytes = Buffer.byteLength(auditEventLine(events[0]!));
    const sink = new JsonLinesFileSink({ path, maxBytes: lineBytes * 4, maxBackups: 3 });
    for (let i = 0; i < events.length; i += 3) await sink.deliver(events.slice(i, i + 3), never);
    await sink.close();
    expect((await readdir(dir)).sort()).toEqual(['audit.log', 'audit.log.1', 'audit.log.2', 'audit.log.3']);
    const files = [`${path}.3`, `${path}.2`, `${path}.1`, path];
    const kept: string[] = [];
    for (const file of files) {
      const lines = await linesOf(file);
      expect((await stat(file)).size).toBeLessThanOrEqual(lineBytes * 4);
      kept.push(...lines.map((line) => (JSON.parse(line) as AuditEvent).auditID));
    }
    // The newest lines, contiguous and in order: 40 events, 4 per file, 4 files.
    expect(kept).toEqual(events.slice(-16).map((event) => event.auditID));
  });

  it('keeps no backup with maxBackups 0 and writes a line larger than maxBytes alone in its file', async () => {
    const path = join(dir, 'audit.log');
    const events = numbered(3);
    const sink = new JsonLinesFileSink({ path, maxBytes: 10, maxBackups: 0 });
    await sink.deliver(events, never);
    await sink.close();
    expect(await readdir(dir)).toEqual(['audit.log']);
    expect((await linesOf(path)).map((line) => (JSON.parse(line) as AuditEvent).auditID)).toEqual(['event-002']);
  });

  it('picks up the size of an existing file, so a restart still rotates on time', async () => {
    const path = join(dir, 'audit.log');
    const events = numbered(2);
    const lineBytes = Buffer.byteLength(auditEventLine(events[0]!));
    await writeFile(path, 'x'.repeat(lineBytes));
    const sink = new JsonLinesFileSink({ path, maxBytes: lineBytes + 1, maxBackups: 1 });
    await sink.deliver(events.slice(0, 1), never);
    await sink.close();
    expect(await readFile(`${path}.1`, 'utf8')).toBe('x'.repeat(lineBytes));
    expect(await linesOf(path)).toHaveLength(1);
  });

  it('refuses limits that would make the file unbounded or nonsensical', () => {
    expect(() => new JsonLinesFileSink({ path: join(dir, 'a'), maxBytes: 0 })).toThrow(RangeError);
    expect(() => new JsonLinesFileSink({ path: join(dir, 'a'), maxBackups: -1 })).toThrow(RangeError);
  });
});
