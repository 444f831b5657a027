import { TailgateError } from '@tailgate/client';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';

import { CliError } from './cli-error';
import { exitForError } from './exit-for-error';
import { EXIT_CODES } from './exit-codes';

describe('exitForError', () => {
  it('ends help and --version with 0 and prints nothing more (commander already did)', () => {
    expect(exitForError(new CommanderError(0, 'commander.version', '0.1.0'))).toEqual({ exitCode: 0 });
    expect(exitForError(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toEqual({ exitCode: 0 });
  });

  it('turns every commander parse error into the usage code, without repeating its message', () => {
    expect(exitForError(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"))).toEqual({
      exitCode: EXIT_CODES.usage,
    });
    expect(exitForError(new CommanderError(1, 'commander.unknownCommand', 'error: unknown command'))).toEqual({
      exitCode: EXIT_CODES.usage,
    });
  });

  it('keeps a CliError’s own code and message', () => {
    expect(exitForError(CliError.usage('serve: --port: too big'))).toEqual({
      exitCode: EXIT_CODES.usage,
      message: 'serve: --port: too big',
    });
    expect(exitForError(new CliError('no kubeconfig at /x'))).toEqual({ exitCode: EXIT_CODES.error, message: 'no kubeconfig at /x' });
  });

  it('maps the protocol’s error codes through exit-codes.ts', () => {
    expect(exitForError(new TailgateError('unauthenticated', 'token refused'))).toEqual({ exitCode: 3, message: 'token refused' });
    expect(exitForError(new TailgateError('forbidden', 'no access')).exitCode).toBe(EXIT_CODES.forbidden);
    expect(exitForError(new TailgateError('connection_failed', 'no server')).exitCode).toBe(EXIT_CODES.connectionFailed);
    expect(exitForError(new TailgateError('rate_limited', 'slow down')).exitCode).toBe(EXIT_CODES.limited);
  });

  it('names an unexpected error without echoing its message, which could hold a token or a log line', () => {
    const exit = exitForError(new TypeError('Bearer s3cret-token went wrong'));
    expect(exit).toEqual({ exitCode: EXIT_CODES.error, message: 'unexpected error (TypeError)' });
    expect(exitForError('s3cret').message).not.toContain('s3cret');
  });
});
