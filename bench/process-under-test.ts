// The child side of a forked process under test (agent-process.ts, bare-process.ts): answers the
// runner's `memory` with RSS and heap after forced collections, runs `stop` in order on `stop` or
// when the runner goes away, then exits. Its messages are `ForkedReport`s.
import { type SettledMemory, settledMemory } from './settled-memory';

export type ForkedCommand = { readonly type: 'memory' } | { readonly type: 'stop' };

export type ForkedReport =
  | { readonly type: 'started'; readonly url: string }
  | ({ readonly type: 'memory' } & SettledMemory)
  | { readonly type: 'stopped' }
  | { readonly type: 'error'; readonly message: string };

export interface ProcessUnderTest {
  stop(): Promise<void>;
}

export function answerRunner(underTest: ProcessUnderTest): void {
  const send = (report: ForkedReport): void => void process.send?.(report);
  const handle = async (command: ForkedCommand): Promise<void> => {
    if (command.type === 'memory') return send({ type: 'memory', ...(await settledMemory()) });
    await underTest.stop();
    send({ type: 'stopped' });
    process.disconnect();
  };
  process.on('message', (command: ForkedCommand) => {
    handle(command).catch((error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
  });
  process.on('disconnect', () => {
    void underTest.stop().finally(() => process.exit(0));
  });
}
