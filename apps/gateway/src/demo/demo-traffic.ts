// Plausible log lines for the demo pods, written in CRI format on a timer.
import { CriLogWriter } from '@tailgate/cri-logs/testing';

import type { DemoPod } from './demo-world';

const PATHS = ['/api/cart', '/api/checkout', '/healthz', '/api/items?page=2', '/login'];
const STATUSES = [200, 200, 200, 201, 304, 404, 500];

function lineFor(pod: DemoPod, n: number): { line: string; stream: 'stdout' | 'stderr' } {
  const pick = <T>(list: readonly T[]): T => list[n % list.length] as T;
  switch (pod.labels.app) {
    case 'payments':
      return n % 7 === 0
        ? { line: `level=error msg="card declined" order=${1000 + n}`, stream: 'stderr' }
        : { line: `level=info msg="payment captured" order=${1000 + n} amount=${(n * 7.3).toFixed(2)}`, stream: 'stdout' };
    case 'search':
      return { line: `indexed batch=${n} docs=${(n * 37) % 500} took=${(n * 13) % 90}ms`, stream: 'stdout' };
    default: {
      const status = pick(STATUSES);
      const line = `10.0.${n % 8}.${n % 250} "GET ${pick(PATHS)} HTTP/1.1" ${status} ${(n * 97) % 4000}`;
      return { line, stream: status >= 500 ? 'stderr' : 'stdout' };
    }
  }
}

/** Starts writing; the returned function stops it. */
export function startDemoTraffic(podsRoot: string, pods: readonly DemoPod[], intervalMs = 700): () => Promise<void> {
  const writers = pods.map((pod) => ({
    pod,
    writer: new CriLogWriter(podsRoot, { namespace: pod.namespace, pod: pod.name, container: pod.container }),
  }));
  let n = 0;
  let writing = Promise.resolve();
  const timer = setInterval(() => {
    n++;
    writing = writing.then(async () => {
      for (const [i, { pod, writer }] of writers.entries()) {
        if ((n + i) % 2 !== 0 && pod.labels.app !== 'web') continue;
        const { line, stream } = lineFor(pod, n + i);
        await writer.write(line, { stream });
      }
    });
  }, intervalMs);
  return async () => {
    clearInterval(timer);
    await writing;
  };
}
