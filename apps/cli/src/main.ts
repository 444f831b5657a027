#!/usr/bin/env node
// The tailgate command's composition root: the program and its commands, run once; whatever a
// command ends with is turned into a line on stderr and an exit code in one place (exit-for-error.ts).
// Commands that start a gateway load it themselves, so `tailgate logs --server …` starts quickly.
import { Command } from 'commander';

import { exitForError } from './exit-for-error';
import { registerLogsCommand } from './logs/logs-command';
import { registerRbacCommand } from './rbac/rbac-command';
import { registerServeCommand } from './serve/serve-command';
import { registerSourcesCommand } from './sources/sources-command';
import { CLI_VERSION } from './version';

function createProgram(): Command {
  const program = new Command('tailgate')
    .description('Live Kubernetes logs with per-listener access control')
    .version(CLI_VERSION)
    // Errors (commander's own included) come back here instead of exiting inside a command.
    .exitOverride()
    .showHelpAfterError('(run tailgate help for usage)');
  registerLogsCommand(program);
  registerServeCommand(program);
  registerSourcesCommand(program);
  registerRbacCommand(program);
  return program;
}

async function main(argv: readonly string[]): Promise<void> {
  try {
    await createProgram().parseAsync([...argv]);
  } catch (error) {
    const exit = exitForError(error);
    if (exit.message !== undefined) process.stderr.write(`tailgate: ${exit.message}\n`);
    process.exitCode = exit.exitCode;
  }
  // A finished command ends the process even if a socket or timer lingers, once stdout is written.
  process.stdout.write('', () => process.exit());
}

void main(process.argv);
