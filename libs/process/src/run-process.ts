// The entry point around a process's composition root (main.ts of the agent and of the worker):
// start it; SIGTERM and SIGINT run its shutdown sequence and exit 0 (1 if that fails), and a second
// signal ends the process at once. A start that fails prints `<command> <code>: <message>` for a
// ProcessError, else `<command> internal: the <role> failed to start (<errno or name>)`, and exits 1.
import { errorCode, ProcessError } from './process-error';

export interface StoppableProcess {
  /** Runs the shutdown sequence (once). */
  stop(reason: string): Promise<void>;
}

export interface RunProcessOptions {
  /** The name the messages start with: `tailgate-agent`. */
  readonly command: string;
  /** What failed to start, in the internal error's message: `agent`. */
  readonly role: string;
  /** Builds the process; undefined when there is nothing to run (`--help`), and the process ends by itself. */
  readonly start: () => Promise<StoppableProcess | undefined>;
}

export function runProcess({ command, role, start }: RunProcessOptions): void {
  start().then(
    (running) => {
      if (running === undefined) return;
      const stop = (signal: NodeJS.Signals): void => {
        running.stop(signal).then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      const text =
        error instanceof ProcessError ? `${error.code}: ${error.message}` : `internal: the ${role} failed to start (${errorCode(error)})`;
      process.stderr.write(`${command} ${text}\n`);
      process.exit(1);
    },
  );
}
