// The in-process dead letter: the last `size` failed jobs, the oldest dropped first.
import type { DeadLetter } from './job-runner';

export class DeadLetterList {
  private readonly letters: DeadLetter[] = [];

  constructor(private readonly size: number) {}

  add(letter: DeadLetter): void {
    this.letters.push(letter);
    if (this.letters.length > this.size) this.letters.splice(0, this.letters.length - this.size);
  }

  /** Newest first. */
  newestFirst(): readonly DeadLetter[] {
    return [...this.letters].reverse();
  }
}
