// AG-lat: append-to-publish latency of the node agent, beside the floor of this machine. Lines
// are appended open loop at a fixed rate to a file kept open, each stamped with the time just
// before its (synchronous) write; latency is the subscriber's receipt of the Redis message that
// carries the line minus that stamp, in an HDR histogram, after a warm-up cut. Per run the agent
// and `raw-tail` take turns (alternating which goes first): raw-tail, in the runner, wakes on
// fs.watch, reads what was appended and PUBLISHes it as one message, no parsing and no JSON,
// which is the least any tailer on inotify and Redis can do here.
import { closeSync, openSync, watch, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';

import { Redis } from 'ioredis';

import type { AgentDemand } from './agent-demand';
import type { BenchSize } from './bench-size';
import { epochMs, TIME_MARK } from './fleet-protocol';
import { HdrHistogram } from './hdr-histogram';
import { type LatencySpread, type LatencySummary, spreadLatency, summarizeLatency } from './percentiles';

const CRI_TS = '2026-01-01T00:00:00.000000000Z';
const PAD = 'x'.repeat(96);
const READ_BYTES = 256 * 1024;

export interface AgentLatency extends LatencySpread {
  readonly ratePerSec: number;
  /** The same load through raw-tail in the same runs. */
  readonly raw: LatencySpread;
}

/** Where each case's lines go and how their messages come back. */
export interface LatencyPaths {
  /** The agent's followed file, and its demand's batches. */
  readonly agentFile: string;
  readonly demand: AgentDemand;
  /** raw-tail's file (outside the agent's root) and the suite's Redis. */
  readonly rawFile: string;
  readonly redisUrl: string;
}

const stampOf = (line: string, from = 0): number => {
  const start = line.indexOf(TIME_MARK, from) + TIME_MARK.length;
  return Number(line.slice(start, line.indexOf(TIME_MARK, start)));
};

export async function measureLatency(
  size: BenchSize,
  ratePerSec: number,
  paths: LatencyPaths,
  log: (line: string) => void,
): Promise<AgentLatency> {
  const agentRuns: LatencySummary[] = [];
  const rawRuns: LatencySummary[] = [];
  const publisher = new Redis(paths.redisUrl);
  const subscriber = new Redis(paths.redisUrl);
  const channel = `bench-ag-raw-tail-${process.pid}`;
  await subscriber.subscribe(channel);
  try {
    for (let run = 0; run < size.agentLatencyRuns; run++) {
      const agentRun = (): Promise<LatencySummary> => agentLatencyRun(size, ratePerSec, paths);
      const rawRun = (): Promise<LatencySummary> => rawTailRun(size, ratePerSec, paths.rawFile, publisher, subscriber, channel);
      const [first, second] = run % 2 === 0 ? [agentRun, rawRun] : [rawRun, agentRun];
      const a = await first();
      const b = await second();
      const [agent, raw] = run % 2 === 0 ? [a, b] : [b, a];
      agentRuns.push(agent);
      rawRuns.push(raw);
      const f = (v: number): string => v.toFixed(3);
      log(
        `  AG-lat ${ratePerSec}/s run ${run + 1}/${size.agentLatencyRuns}: agent p50 ${f(agent.p50)} ms, p99 ${f(agent.p99)} ms, max ${agent.max.toFixed(1)} ms (${agent.samples} lines); raw-tail p50 ${f(raw.p50)}, p99 ${f(raw.p99)} ms`,
      );
    }
  } finally {
    subscriber.disconnect();
    publisher.disconnect();
  }
  return { ratePerSec, ...spreadLatency(agentRuns), raw: spreadLatency(rawRuns) };
}

async function agentLatencyRun(size: BenchSize, ratePerSec: number, paths: LatencyPaths): Promise<LatencySummary> {
  const histogram = new HdrHistogram();
  const from = epochMs() + size.agentLatencyWarmupMs;
  paths.demand.onRecords = (message, at) => {
    const parsed = JSON.parse(message) as { records: [string, string, string, string][] };
    for (const [, , line] of parsed.records) {
      const stamp = stampOf(line);
      if (stamp >= from) histogram.record(at - stamp);
    }
  };
  await appendStamped(paths.agentFile, ratePerSec, size.agentLatencyWarmupMs + size.agentLatencyMs);
  await new Promise((resolve) => setTimeout(resolve, 200));
  paths.demand.onRecords = () => undefined;
  return summarizeLatency(histogram.snapshot());
}

async function rawTailRun(
  size: BenchSize,
  ratePerSec: number,
  file: string,
  publisher: Redis,
  subscriber: Redis,
  channel: string,
): Promise<LatencySummary> {
  const histogram = new HdrHistogram();
  const from = epochMs() + size.agentLatencyWarmupMs;
  const onMessage = (_channel: string, message: string): void => {
    const at = epochMs();
    for (let i = message.indexOf(TIME_MARK); i >= 0; i = message.indexOf(TIME_MARK, message.indexOf(TIME_MARK, i + 2) + 2)) {
      const stamp = stampOf(message, i);
      if (stamp >= from) histogram.record(at - stamp);
    }
  };
  subscriber.on('message', onMessage);
  const tail = await startRawTail(file, publisher, channel);
  try {
    await appendStamped(file, ratePerSec, size.agentLatencyWarmupMs + size.agentLatencyMs);
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    await tail.stop();
    subscriber.off('message', onMessage);
  }
  return summarizeLatency(histogram.snapshot());
}

/** fs.watch on the file; on each event, reads the whole lines appended since and publishes them as one message. */
async function startRawTail(path: string, publisher: Redis, channel: string): Promise<{ stop(): Promise<void> }> {
  const handle = await open(path, 'r');
  let offset = (await handle.stat()).size;
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  let reading: Promise<void> | undefined;
  let again = false;
  const drain = async (): Promise<void> => {
    do {
      again = false;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, offset);
        const end = bytesRead === 0 ? -1 : buffer.lastIndexOf(0x0a, bytesRead - 1);
        if (end < 0) break;
        offset += end + 1;
        void publisher.publish(channel, buffer.toString('latin1', 0, end + 1));
      }
    } while (again);
  };
  const wake = (): void => {
    if (reading) {
      again = true;
      return;
    }
    reading = drain().finally(() => (reading = undefined));
  };
  const watcher = watch(path, { persistent: false }, wake);
  return {
    async stop() {
      watcher.close();
      await reading;
      await handle.close();
    },
  };
}

/**
 * Open loop at `ratePerSec`: every millisecond tick appends the lines due by then to a file kept
 * open (a synchronous write: the line is in the file when it returns), each stamped with the time
 * just before the write. Returns the lines written.
 */
async function appendStamped(path: string, ratePerSec: number, durationMs: number): Promise<number> {
  const fd = openSync(path, 'a');
  const start = epochMs();
  const total = Math.floor((durationMs / 1000) * ratePerSec);
  let written = 0;
  try {
    while (written < total) {
      const now = epochMs();
      const due = Math.min(total, Math.floor(((now - start) * ratePerSec) / 1000) + 1);
      if (due > written) {
        const line = `${CRI_TS} stdout F ${TIME_MARK}${now.toFixed(3)}${TIME_MARK} level=info msg=${PAD}\n`;
        writeSync(fd, line.repeat(due - written));
        written = due;
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    closeSync(fd);
  }
  return written;
}
