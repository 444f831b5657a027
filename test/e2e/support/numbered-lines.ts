// Keeps writing numbered lines (`line-00001`, …) to one container's log until stopped, so a
// suite can check that every line arrived exactly once and in order.
import type { CriLogWriter } from '@tailgate/cri-logs/testing';

export class NumberedLines {
  readonly written: string[] = [];
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly writer: CriLogWriter,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** Resolves with every line written, once the last write is on disk. */
  async stop(): Promise<readonly string[]> {
    this.stopped = true;
    await this.running;
    return this.written;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const line = `line-${String(this.written.length + 1).padStart(5, '0')}`;
      await this.writer.write(line);
      this.written.push(line);
      await new Promise((resolve) => setTimeout(resolve, this.everyMs));
    }
  }
}
