// Reads a source's stream in the background and lets a test wait for what it expects.
import type { LogSource, SourceEvent } from '../log-source';
import { silentLogger } from '../plugin-logger';
import type { LogRecord } from '../records';

export interface StreamCollector {
  readonly events: SourceEvent[];
  readonly records: LogRecord[];
  /** Resolves once `predicate` holds for what was collected; rejects after `timeoutMs`. */
  waitFor(predicate: (collector: StreamCollector) => boolean, timeoutMs?: number): Promise<void>;
  /** Aborts the stream and resolves when the iteration has ended. */
  stop(): Promise<void>;
  /** Resolves when the iteration ends by itself or after stop(). */
  readonly done: Promise<void>;
}

export function collectStream<S>(source: LogSource<S>, selector: S): StreamCollector {
  const controller = new AbortController();
  const waiters = new Set<() => void>();
  const events: SourceEvent[] = [];
  const records: LogRecord[] = [];
  const done = (async () => {
    for await (const event of source.open(selector, { signal: controller.signal, logger: silentLogger })) {
      events.push(event);
      if (event.type === 'records') records.push(...event.records);
      for (const waiter of [...waiters]) waiter();
    }
  })();
  const collector: StreamCollector = {
    events,
    records,
    done,
    waitFor(predicate, timeoutMs = 5_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!predicate(collector)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`condition not met within ${timeoutMs} ms (${collector.records.length} records so far)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop() {
      controller.abort();
      await done;
    },
  };
  return collector;
}
