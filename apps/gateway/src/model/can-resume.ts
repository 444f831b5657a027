// Whether a source reads back after a cursor itself; others resume from the bus's replay buffer.
import type { LogSource } from '@tailgate/plugin-sdk';

/** A source resumes when it says so and has a backlog to resume from. */
export function canResume(source: LogSource): boolean {
  return source.resumable === true && source.backlog !== undefined;
}
