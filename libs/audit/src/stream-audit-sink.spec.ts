import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { auditEventSchema } from './audit-event';
import { StreamAuditSink } from './stream-audit-sink';
import { sampleEvents } from './testing/audit-samples';

describe('StreamAuditSink', () => {
  it('writes JSON lines and waits for a slow stream to drain before the batch counts as delivered', async () => {
    const chunks: string[] = [];
    let release: (() => void) | undefined;
    const stream = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        release = () => callback();
      },
    });
    const sink = new StreamAuditSink({ stream });
    const events = sampleEvents();
    let delivered = false;
    const delivery = sink.deliver(events, new AbortController().signal).then(() => (delivered = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered).toBe(false);
    release?.();
    await delivery;
    const lines = chunks.join('').trimEnd().split('\n');
    expect(lines.map((line) => auditEventSchema.parse(JSON.parse(line)))).toEqual(events);
    expect(sink.name).toBe('stdout');
  });

  it('fails the batch when the stream fails', async () => {
    const stream = new Writable({ write: (_chunk, _encoding, callback) => callback(new Error('EPIPE')) });
    stream.on('error', () => undefined);
    const sink = new StreamAuditSink({ stream, name: 'pipe' });
    await expect(sink.deliver(sampleEvents().slice(0, 1), new AbortController().signal)).rejects.toThrow('EPIPE');
  });
});
