// A process forked exactly like agent-process.ts (same node flags, same tsx hook) that starts
// nothing: its settled RSS is what Node and the loader take before any agent code (scenario AG).
import { answerRunner } from './process-under-test';

answerRunner({ stop: () => Promise.resolve() });
process.send?.({ type: 'started', url: '' });
