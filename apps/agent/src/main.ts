// Entry point of the agent process (same image as the gateway, another command): settings from
// flags and the environment, then the composition root. SIGTERM and SIGINT run its shutdown
// sequence and exit 0; a second signal ends the process at once.
import { describeAgentSettings, parseAgentConfig } from './agent-config';
import { AgentError, errorCode } from './agent-error';
import { startAgent } from './start-agent';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    process.stdout.write(`usage: tailgate-agent [--<setting> <value>]…  (flags win over the environment)\n${describeAgentSettings()}\n`);
    return;
  }
  const agent = await startAgent(parseAgentConfig(args, process.env));
  const stop = (signal: NodeJS.Signals): void => {
    void agent.stop(signal).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  const text =
    error instanceof AgentError ? `${error.code}: ${error.message}` : `internal: the agent failed to start (${errorCode(error)})`;
  process.stderr.write(`tailgate-agent ${text}\n`);
  process.exit(1);
});
