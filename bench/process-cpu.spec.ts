import { describe, expect, it } from 'vitest';

import { startThreadMeter, threadCpuSecondsOf } from './process-cpu';

/** Keeps this thread busy for about `ms`. */
function spin(ms: number): number {
  const until = performance.now() + ms;
  let n = 0;
  while (performance.now() < until) n++;
  return n;
}

describe('threadCpuSecondsOf', () => {
  it("puts the event loop's own work under main, apart from the process's other threads", () => {
    const meter = startThreadMeter(process.pid);
    spin(300);
    const used = meter.stop();
    // /proc counts in 10 ms ticks; a 300 ms spin shows as most of it.
    expect(used.main).toBeGreaterThanOrEqual(0.2);
    const others = Object.entries(used).filter(([name]) => name !== 'main');
    for (const [, seconds] of others) expect(seconds).toBeLessThan(used.main ?? 0);
  });

  it("names V8's platform threads, started before any script ran, as one group", () => {
    const groups = threadCpuSecondsOf(process.pid) ?? {};
    expect(Object.keys(groups)).toEqual(expect.arrayContaining(['main', 'v8']));
  });

  it('is undefined for a process that does not exist', () => {
    expect(threadCpuSecondsOf(2 ** 22 + 1)).toBeUndefined();
  });
});
