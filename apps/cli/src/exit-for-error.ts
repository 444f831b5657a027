// Every error a command can end with, mapped in one place to what the user sees (one line on
// stderr, or nothing when commander already printed it) and the exit code (exit-codes.ts). Texts
// come from our own errors only: an unexpected error is named, never echoed, since its message
// could carry a token or a log line.
import { TailgateError } from '@tailgate/client';
import { CommanderError } from 'commander';

import { CliError } from './cli-error';
import { EXIT_CODES, exitCodeForError, type ExitCode } from './exit-codes';

export interface ErrorExit {
  readonly exitCode: ExitCode;
  /** Printed to stderr after `tailgate: `; undefined when already printed (commander's own messages). */
  readonly message?: string;
}

export function exitForError(error: unknown): ErrorExit {
  if (error instanceof CommanderError) {
    // Help and --version end with code 0; every parse error commander reports is a usage error.
    return { exitCode: error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage };
  }
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  if (error instanceof TailgateError) return { exitCode: exitCodeForError(error.code), message: error.message };
  const name = error instanceof Error ? error.name : typeof error;
  return { exitCode: EXIT_CODES.error, message: `unexpected error (${name})` };
}
