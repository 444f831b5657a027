// stdout for log lines: one write per batch, waiting for 'drain' when the pipe is full (so a slow
// reader slows our reading of the subscription, not our memory), and a reader that went away
// (`| head` → EPIPE) ends the command quietly, as it does for stern and kubectl.
import { once } from 'node:events';
import type { Writable } from 'node:stream';

const GONE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

export class OutputSink {
  private gone = false;
  private failure: NodeJS.ErrnoException | undefined;
  private readonly goneSignal: Promise<void>;
  private markGone!: () => void;

  constructor(private readonly stream: Writable) {
    this.goneSignal = new Promise((resolve) => (this.markGone = resolve));
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (!GONE.has(error.code ?? '')) this.failure = error;
      this.gone = true;
      this.markGone();
    });
  }

  /** The reader went away (or the stream failed): stop producing output. */
  get closed(): boolean {
    return this.gone;
  }

  /** A write error other than the reader going away, e.g. a full disk. */
  get error(): NodeJS.ErrnoException | undefined {
    return this.failure;
  }

  /** Resolves once the reader went away. */
  whenClosed(): Promise<void> {
    return this.goneSignal;
  }

  async write(text: string): Promise<void> {
    if (this.gone || text === '') return;
    if (this.stream.write(text)) return;
    await Promise.race([once(this.stream, 'drain'), this.goneSignal]);
  }
}
