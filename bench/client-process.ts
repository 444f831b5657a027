// Entry point of a client-fleet child process: opens many raw listeners for one pipeline, counts
// the records each receives and reports to the runner over IPC. Every wait is bounded; the process
// exits when its parent goes away.
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { epochMs, type FleetCommand, type FleetReport, type ListenerSpec } from './fleet-protocol';
import { countRecords, recordLatencies } from './frame-counter';
import { HdrHistogram } from './hdr-histogram';
import { RawListener } from './raw-listener';

type OpenCommand = Extract<FleetCommand, { type: 'open' }>;
type StormCommand = Extract<FleetCommand, { type: 'storm' }>;

const RETRY_MS = 100;

let listeners: RawListener[] = [];
/** Bumped whenever the listeners are dropped, so frames of dropped sockets are not counted. */
let generation = 0;
let opened: OpenCommand | undefined;
let counts: number[] = [];
let total = 0;
let expectTotal = Number.POSITIVE_INFINITY;
let latency = false;
let latencyFrom = Number.NEGATIVE_INFINITY;
let latencies = new HdrHistogram();
let firstAt = 0;
let lastAt = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
/** During a storm: called with a listener's index on its first record after reconnecting. */
let onFirstRecord: ((index: number) => void) | undefined;

function send(report: FleetReport): void {
  process.send?.(report);
}

function tally(type: 'done' | 'tally'): FleetReport {
  return { type, counts, firstAt, lastAt, latency: latencies.snapshot(), loopDelayP99Ms: loopDelay.percentile(99) / 1e6 };
}

function onFrame(index: number, frame: Buffer): void {
  const n = countRecords(frame);
  if (n === 0) return;
  const now = epochMs();
  if (total === 0) firstAt = now;
  lastAt = now;
  if (counts[index] === 0) onFirstRecord?.(index);
  counts[index] = (counts[index] ?? 0) + n;
  const before = total;
  total += n;
  if (latency) recordLatencies(frame, now, latencies, latencyFrom);
  if (before < expectTotal && total >= expectTotal) send(tally('done'));
}

function connect(command: OpenCommand, spec: ListenerSpec, index: number, url = spec.url ?? command.url): Promise<RawListener> {
  const current = generation;
  return RawListener.connect(url, command.wire, command.namespace, spec, (frame) => {
    if (generation === current) onFrame(index, frame);
  });
}

async function open(command: OpenCommand): Promise<void> {
  const started = Date.now();
  const deadline = started + command.timeoutMs;
  opened = command;
  counts = command.listeners.map(() => 0);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < command.listeners.length) {
      if (Date.now() > deadline) throw new Error(`opening ${command.listeners.length} listeners took over ${command.timeoutMs} ms`);
      const index = next++;
      const spec = command.listeners[index];
      if (!spec) return;
      listeners[index] = await connect(command, spec, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, command.concurrency) }, worker));
  send({ type: 'opened', connectMs: Date.now() - started });
}

/** Drops every listener at once and reconnects them with jitter; see the `storm` command. */
async function storm(command: StormCommand): Promise<void> {
  const base = opened;
  if (!base) throw new Error('storm before open');
  const n = base.listeners.length;
  const droppedAt = epochMs();
  const deadline = Date.now() + command.timeoutMs;
  generation++;
  for (const listener of listeners.splice(0)) listener.close();
  counts = base.listeners.map(() => 0);
  total = 0;
  expectTotal = Number.POSITIVE_INFINITY;
  let streaming = 0;
  let streamingAt = 0;
  let subscribedAt = 0;
  let retries = 0;
  const allStreaming = new Promise<void>((resolve) => {
    onFirstRecord = () => {
      streaming++;
      streamingAt = epochMs();
      if (streaming === n) resolve();
    };
  });
  const reconnect = async (spec: ListenerSpec, index: number): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * command.jitterMs));
    for (;;) {
      try {
        listeners[index] = await connect(base, spec, index, command.url ?? spec.url ?? base.url);
        subscribedAt = Math.max(subscribedAt, epochMs());
        return;
      } catch (error) {
        if (Date.now() + RETRY_MS > deadline) throw error;
        retries++;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  };
  const reconnected = Promise.allSettled(base.listeners.map((spec, index) => reconnect(spec, index)));
  const timer = new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref());
  await Promise.race([Promise.all([allStreaming, reconnected]), timer]);
  onFirstRecord = undefined;
  send({
    type: 'stormed',
    droppedAt,
    subscribedAt: subscribedAt || Number.NaN,
    streamingAt: streaming === n ? streamingAt : Number.NaN,
    listeners: n,
    streaming,
    retries,
  });
}

function fail(error: unknown): void {
  send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}

process.on('message', (command: FleetCommand) => {
  if (command.type === 'open') {
    open(command).catch(fail);
  } else if (command.type === 'storm') {
    storm(command).catch(fail);
  } else if (command.type === 'arm') {
    counts = counts.map(() => 0);
    total = 0;
    firstAt = 0;
    lastAt = 0;
    latencies = new HdrHistogram();
    expectTotal = command.expectTotal;
    latency = command.latency;
    latencyFrom = command.latencyFrom ?? Number.NEGATIVE_INFINITY;
    loopDelay.reset();
    loopDelay.enable();
    send({ type: 'armed' });
  } else if (command.type === 'report') {
    send(tally('tally'));
  } else {
    generation++;
    for (const listener of listeners.splice(0)) listener.close();
    listeners = [];
    send({ type: 'closed' });
    if (!command.keepProcess) process.disconnect();
  }
});
process.on('disconnect', () => process.exit(0));
