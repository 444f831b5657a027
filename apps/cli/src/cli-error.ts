// An error the command reports as one line on stderr and turns into an exit code. Thrown at the
// edge (flag parsing, config loading, connecting); never carries a token or a log line.
import { EXIT_CODES, type ExitCode } from './exit-codes';

export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT_CODES.error,
  ) {
    super(message);
  }

  static usage(message: string): CliError {
    return new CliError(message, EXIT_CODES.usage);
  }
}
