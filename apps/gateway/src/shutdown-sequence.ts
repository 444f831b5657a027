// The gateway's orderly stop, as named steps run in the order the composition root lists them.
// A failing step is logged by its name and the next still runs: a stuck plugin hook must not keep
// the bus or the listening socket open. Running it twice runs it once.
import type { Logger } from 'pino';

import { errorName } from './model/error-name';

export interface ShutdownStep {
  readonly name: string;
  run(): Promise<void> | void;
}

export class ShutdownSequence {
  private done: Promise<void> | undefined;

  constructor(
    readonly steps: readonly ShutdownStep[],
    private readonly logger: Logger,
  ) {}

  run(): Promise<void> {
    return (this.done ??= this.runSteps());
  }

  private async runSteps(): Promise<void> {
    for (const step of this.steps) {
      try {
        await step.run();
      } catch (error) {
        this.logger.error({ step: step.name, err: errorName(error) }, 'shutdown step failed');
      }
    }
    this.logger.info({ steps: this.steps.map((step) => step.name) }, 'gateway stopped');
  }
}

export function step(name: string, run: () => Promise<void> | void): ShutdownStep {
  return { name, run };
}
