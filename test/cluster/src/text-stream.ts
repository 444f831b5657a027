// Reads an HTTP response body as it arrives, so a test can await "the stream now says X" and
// "the stream has ended" as events instead of sleeping.
import type { IncomingMessage } from 'node:http';

interface Waiter {
  readonly predicate: (text: string) => boolean;
  readonly resolve: (text: string) => void;
  readonly reject: (error: Error) => void;
}

export class TextStream {
  private body = '';
  private finished = false;
  private readonly waiters = new Set<Waiter>();
  /** Resolves when the server ends the body cleanly; rejects if the connection breaks. */
  readonly ended: Promise<string>;

  constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.body += chunk;
      for (const w of this.waiters) if (w.predicate(this.body)) this.settle(w, () => w.resolve(this.body));
    });
    this.ended = new Promise((resolve, reject) => {
      response.once('end', () => {
        this.finished = true;
        this.failWaiters('stream ended');
        resolve(this.body);
      });
      response.once('error', (error) => {
        this.finished = true;
        this.failWaiters(`stream failed: ${error.message}`);
        reject(error);
      });
    });
    // A test that never awaits `ended` must not see an unhandled rejection after close().
    this.ended.catch(() => undefined);
  }

  get text(): string {
    return this.body;
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  /** Resolves with the body so far once `predicate` holds (checked on every chunk). */
  until(predicate: (text: string) => boolean, timeoutMs = 15_000): Promise<string> {
    if (predicate(this.body)) return Promise.resolve(this.body);
    if (this.finished) return Promise.reject(new Error(`stream already ended with: ${JSON.stringify(this.body)}`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (text) => {
          clearTimeout(timer);
          resolve(text);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(
        () => this.settle(waiter, () => reject(new Error(`timed out; stream so far: ${JSON.stringify(this.body)}`))),
        timeoutMs,
      );
      this.waiters.add(waiter);
    });
  }

  /** Closes the connection from the client side. */
  close(): void {
    this.response.destroy();
  }

  private settle(waiter: Waiter, action: () => void): void {
    this.waiters.delete(waiter);
    action();
  }

  private failWaiters(reason: string): void {
    for (const w of this.waiters) this.settle(w, () => w.reject(new Error(`${reason} with: ${JSON.stringify(this.body)}`)));
  }
}
