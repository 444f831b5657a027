// Entry point of a node agent under test (scenario AG): the agent process as main.ts builds it —
// its settings parsed from flags by the agent's own parser, then its composition root
// `startAgent` with the real Redis bus — plus an IPC channel to the runner for its address, its
// RSS and heap after forced collections, and an orderly stop. Forked by agent-host.ts.
import { parseAgentConfig, type RunningAgent, startAgent } from '@tailgate/agent';

import { answerRunner, type ProcessUnderTest } from './process-under-test';

let agent: RunningAgent | undefined;

const underTest: ProcessUnderTest = {
  async stop() {
    const running = agent;
    agent = undefined;
    await running?.stop('bench done');
  },
};

answerRunner(underTest);
startAgent(parseAgentConfig(process.argv.slice(2), {}), { logDestination: process.stderr }).then(
  (running) => {
    agent = running;
    process.send?.({ type: 'started', url: running.url });
  },
  (error: unknown) => {
    process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  },
);
