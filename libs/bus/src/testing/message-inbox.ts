// Collects what a bus handler receives and lets a test await a number of messages instead of sleeping.
import type { MessageId } from '../message-ids';

export class MessageInbox {
  readonly messages: string[] = [];
  /** The replay id each message came with, at the same index. */
  readonly ids: Array<MessageId | undefined> = [];
  private readonly waiters = new Set<() => void>();

  constructor(readonly label: string) {}

  /** Pass this as the bus handler. */
  readonly handler = (message: string, id?: MessageId): void => {
    this.messages.push(message);
    this.ids.push(id);
    for (const wake of [...this.waiters]) wake();
  };

  /** Resolves with the messages once at least `count` arrived; rejects with a clear message after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 10_000): Promise<readonly string[]> {
    return this.waitUntil(() => this.messages.length >= count, `${count} message(s)`, timeoutMs);
  }

  /** Resolves once a message equal to `expected` arrived. */
  waitForMessage(expected: string, timeoutMs = 10_000): Promise<readonly string[]> {
    return this.waitUntil(() => this.messages.includes(expected), JSON.stringify(expected.slice(0, 80)), timeoutMs);
  }

  private waitUntil(done: () => boolean, what: string, timeoutMs: number): Promise<readonly string[]> {
    if (done()) return Promise.resolve(this.messages);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        settle();
        resolve(this.messages);
      };
      const settle = (): void => {
        clearTimeout(deadline);
        this.waiters.delete(check);
      };
      const deadline = setTimeout(() => {
        settle();
        reject(new Error(`${this.label}: waited ${timeoutMs} ms for ${what}, got ${this.messages.length} message(s)`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }
}
