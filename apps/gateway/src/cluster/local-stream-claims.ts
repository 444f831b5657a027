// Claims without Redis: one process serves everything, so the upstream starts with the first
// listener and stops a grace period after the last one left.
import type { StreamDescriptor } from '../model/stream-descriptor';
import { LOCAL_GRANT, type StreamClaim, type StreamClaims, type UpstreamRunner } from './stream-claim';

export class LocalStreamClaims implements StreamClaims {
  constructor(private readonly idleGraceMs: number) {}

  claim(_stream: StreamDescriptor, run: UpstreamRunner, onClosed: () => void): StreamClaim {
    return new LocalStreamClaim(run, onClosed, this.idleGraceMs);
  }

  async close(): Promise<void> {}
}

class LocalStreamClaim implements StreamClaim {
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  private stopTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly run: UpstreamRunner,
    private readonly onClosed: () => void,
    private readonly idleGraceMs: number,
  ) {}

  want(wanted: boolean): void {
    clearTimeout(this.stopTimer);
    this.stopTimer = undefined;
    if (wanted) {
      this.running ??= this.run(LOCAL_GRANT, this.controller.signal).then(() => this.close());
      return;
    }
    this.stopTimer = setTimeout(() => this.stop(), this.idleGraceMs);
    this.stopTimer.unref();
  }

  /** want(true) opened the upstream synchronously. */
  live(): Promise<void> {
    return Promise.resolve();
  }

  async shutdown(): Promise<void> {
    this.stop();
    await this.running;
  }

  /** Forgotten at once, so a listener arriving now starts a fresh upstream while this one winds down. */
  private stop(): void {
    clearTimeout(this.stopTimer);
    this.close();
    this.controller.abort();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClosed();
  }
}
