// Entry point of a client-fleet child process: opens many raw listeners for one pipeline, counts
// the records each receives and reports to the runner over IPC. Every wait is bounded; the process
// exits when its parent goes away.
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { epochMs, type FleetCommand, type FleetReport } from './fleet-protocol';
import { collectLatencies, countRecords } from './frame-counter';
import { RawListener } from './raw-listener';

const MAX_LATENCY_SAMPLES = 2_000_000;

const listeners: RawListener[] = [];
let counts: number[] = [];
let total = 0;
let expectTotal = Number.POSITIVE_INFINITY;
let latency = false;
let latencies: number[] = [];
let firstAt = 0;
let lastAt = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

function send(report: FleetReport): void {
  process.send?.(report);
}

function tally(type: 'done' | 'tally'): FleetReport {
  return { type, counts, firstAt, lastAt, latenciesMs: latencies, loopDelayP99Ms: loopDelay.percentile(99) / 1e6 };
}

function onFrame(index: number, frame: Buffer): void {
  const n = countRecords(frame);
  if (n === 0) return;
  const now = epochMs();
  if (total === 0) firstAt = now;
  lastAt = now;
  counts[index] = (counts[index] ?? 0) + n;
  const before = total;
  total += n;
  if (latency) collectLatencies(frame, now, latencies, MAX_LATENCY_SAMPLES);
  if (before < expectTotal && total >= expectTotal) send(tally('done'));
}

async function open(command: Extract<FleetCommand, { type: 'open' }>): Promise<void> {
  const started = Date.now();
  const deadline = started + command.timeoutMs;
  counts = command.listeners.map(() => 0);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < command.listeners.length) {
      if (Date.now() > deadline) throw new Error(`opening ${command.listeners.length} listeners took over ${command.timeoutMs} ms`);
      const index = next++;
      const spec = command.listeners[index];
      if (!spec) return;
      listeners.push(await RawListener.connect(command.url, command.wire, command.namespace, spec, (frame) => onFrame(index, frame)));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, command.concurrency) }, worker));
  send({ type: 'opened', connectMs: Date.now() - started });
}

process.on('message', (command: FleetCommand) => {
  if (command.type === 'open') {
    open(command).catch((error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
  } else if (command.type === 'arm') {
    counts = counts.map(() => 0);
    total = 0;
    firstAt = 0;
    lastAt = 0;
    latencies = [];
    expectTotal = command.expectTotal;
    latency = command.latency;
    loopDelay.reset();
    loopDelay.enable();
    send({ type: 'armed' });
  } else if (command.type === 'report') {
    send(tally('tally'));
  } else {
    for (const listener of listeners.splice(0)) listener.close();
    send({ type: 'closed' });
    if (!command.keepProcess) process.disconnect();
  }
});
process.on('disconnect', () => process.exit(0));
