// Entry point of the agent process (same image as the gateway, another command): settings from
// flags and the environment, then the composition root. SIGTERM and SIGINT run its shutdown
// sequence and exit 0; a second signal ends the process at once; a start that fails prints
// `tailgate-agent <code>: <message>` and exits 1 (runProcess).
import { runProcess } from '@tailgate/process';

import { describeAgentSettings, parseAgentConfig } from './agent-config';
import { startAgent } from './start-agent';

runProcess({
  command: 'tailgate-agent',
  role: 'agent',
  start: async () => {
    const args = process.argv.slice(2);
    if (args.includes('--help')) {
      process.stdout.write(`usage: tailgate-agent [--<setting> <value>]…  (flags win over the environment)\n${describeAgentSettings()}\n`);
      return undefined;
    }
    return startAgent(parseAgentConfig(args, process.env));
  },
});
