// Test-only preload for a gateway process (`node --expose-gc --import …/heap-probe.mjs`): on
// SIGWINCH it collects garbage and prints one JSON line with the memory still in use, so a suite
// can compare what the process retains before and after a run. (Not SIGUSR2: the gateway's
// shutdown hooks take every signal Nest knows, SIGUSR2 included; SIGUSR1 starts the inspector.)
import process from 'node:process';

let probes = 0;
process.on('SIGWINCH', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ heapProbe: ++probes, heapUsed, rss })}\n`);
});
