// The stdout sink (or any writable stream): JSON lines, one write per batch, waiting for the
// stream to drain when it pushes back, so a slow reader of the gateway's stdout grows the sink's
// bounded backlog rather than the stream's buffer.
import type { Writable } from 'node:stream';

import type { AuditEvent } from './audit-event';
import { abortReason, auditEventLine, type AuditSink } from './audit-sink';

export interface StreamAuditSinkOptions {
  /** Default process.stdout. */
  readonly stream?: Writable;
  /** Metrics label. Default `stdout`. */
  readonly name?: string;
}

export class StreamAuditSink implements AuditSink {
  readonly name: string;
  private readonly stream: Writable;

  constructor(options: StreamAuditSinkOptions = {}) {
    this.stream = options.stream ?? process.stdout;
    this.name = options.name ?? 'stdout';
  }

  async deliver(batch: readonly AuditEvent[], signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const text = batch.map(auditEventLine).join('');
    const written = new Promise<void>((resolve, reject) => {
      this.stream.write(text, (error) => (error ? reject(error) : resolve()));
    });
    // The write callback fires once the data is handed on; `drain` is what says the buffer has room.
    if (this.stream.writableNeedDrain) await waitForDrain(this.stream, signal);
    await written;
  }

  /** The stream belongs to the process (stdout): it stays open. */
  async close(): Promise<void> {}
}

function waitForDrain(stream: Writable, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      stream.off('drain', onDrain);
      stream.off('error', done);
      stream.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(new Error('audit stream closed'));
    const onAbort = (): void => done(abortReason(signal));
    stream.once('drain', onDrain);
    stream.once('error', done);
    stream.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
