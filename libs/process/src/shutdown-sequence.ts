// The named steps that undo what a composition root built, run in the reverse order of building
// (the last thing started stops first). Each step is logged with its name and duration; a failing
// step is logged by its error code and the sequence goes on. Running it twice runs it once.
import type { Logger } from 'pino';

import { errorCode } from './process-error';

interface ShutdownStep {
  readonly name: string;
  readonly run: () => Promise<void> | void;
}

export class ShutdownSequence {
  private readonly steps: ShutdownStep[] = [];
  private running: Promise<void> | undefined;

  /** @param role what is shutting down (`agent`, `worker`), as the first line says it */
  constructor(
    private readonly role: string,
    private readonly logger: Logger,
  ) {}

  /** Registers what undoes the step just built. */
  add(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }

  /** The step names in the order they will run. */
  get order(): readonly string[] {
    return this.steps.map((step) => step.name).reverse();
  }

  run(reason: string): Promise<void> {
    this.running ??= this.runSteps(reason);
    return this.running;
  }

  private async runSteps(reason: string): Promise<void> {
    this.logger.info({ reason, steps: this.order }, `${this.role} shutting down`);
    for (const step of [...this.steps].reverse()) {
      const started = performance.now();
      try {
        await step.run();
        this.logger.info({ step: step.name, ms: Math.round(performance.now() - started) }, 'shutdown step done');
      } catch (error) {
        this.logger.error({ step: step.name, code: errorCode(error) }, 'shutdown step failed');
      }
    }
  }
}
