// AG, the node agent (issue 14 item 6): the agent in its own process (agent-process.ts: its
// composition root `startAgent` with the real Redis bus, as main.ts runs it), demand for its
// containers published and its batches received on the suite's redis-server as a gateway would.
//   AG-tput  one container; a prebuilt block of CRI lines appended in one write; rate from just
//            before the append to the last record received from Redis, beside `raw`: the same
//            bytes of the same file read with the agent's read size and split with Buffer.indexOf,
//            in the same run (alternating which goes first). Every line must arrive.
//   AG-lat   lines appended open loop at a fixed rate, each stamped with its append time, until
//            a subscriber receives the batch carrying it; beside raw-tail (agent-latency.ts).
//   AG-rss   a fresh agent tailing 100 containers that all received lines, RSS after forced GCs
//            split into anon (of it V8's young generation) and file pages, and the heap; and a
//            bare process started the same way without the agent (plain Node, same flags). In
//            the full run the first one then follows its containers with nothing written for 150
//            s: the largest RSS read from 30 s on, no forced GC (what a quiet node pays).
// Every agent signs what it publishes, as a deployed one does: it gets its session key from a stub
// of the gateways' session endpoint (agent-session-stub.ts).
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CriLogWriter } from '@tailgate/cri-logs/testing';

import { type AgentFlags, AgentHost } from './agent-host';
import { AgentDemand, countRecords } from './agent-demand';
import { type AgentLatency, measureLatency } from './agent-latency';
import { AgentSessionStub } from './agent-session-stub';
import type { BenchSize } from './bench-size';
import { buildChunk } from './cri-load';
import { epochMs } from './fleet-protocol';
import { spread, type Spread } from './percentiles';
import { startCpuMeter } from './process-cpu';
import { procStatusOf, type ProcessMemory } from './settled-memory';

const NAMESPACE = 'bench-agent';
const NODE = 'bench-node';
/** The agent's default `--read-buffer-bytes`; the raw reader reads as much at once. */
const READ_BYTES = 256 * 1024;
const MB = 1e6;
const CRI_TS = '2026-01-01T00:00:00.000000000Z';
const PAD = 'x'.repeat(96);

export interface AgentThroughput {
  readonly bytes: number;
  readonly lines: number;
  readonly agentMBps: Spread;
  readonly agentLinesPerSec: Spread;
  readonly rawMBps: Spread;
  /** Agent ÷ raw MB/s, per run (each pair measured back to back). */
  readonly ratio: Spread;
  /** CPU % of one core during the agent's runs (median). */
  readonly cpuPercent: Readonly<Record<string, number>>;
  /** Runs in which not every line arrived. */
  readonly incompleteRuns: number;
}

/** One process's settled memory in MB (10^6 bytes); see settled-memory.ts. */
export interface MemoryMB {
  readonly rss: number;
  /** Anonymous pages: what the process allocated (V8 heap, malloc, stacks). */
  readonly anon: number;
  /** File-backed pages: mostly the node binary, shared with every Node process on the node. */
  readonly file: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  /** V8's young generation resident (part of anon): see settled-memory.ts. */
  readonly young: number;
}

export interface AgentMemory {
  readonly containers: number;
  readonly processes: number;
  /** After forced GCs: the agent started, no demand (RSS); tailing all containers (all figures). */
  readonly idleRssMB: Spread;
  readonly tailing: { readonly [K in keyof MemoryMB]: Spread };
  /** Tailing RSS and anon minus the bare process's, per agent process. */
  readonly aboveBare: { readonly rss: Spread; readonly anon: Spread };
  /** The same fork without the agent (same node flags): plain Node. */
  readonly bare: MemoryMB;
  /**
   * The first agent, still following every container with no more lines written: the largest RSS
   * (and anon) of the readings every QUIET_EVERY_MS from QUIET_FROM_MS to `agentQuietMs`, without a
   * forced GC (what a quiet node pays; V8 keeps its young generation while the idle agent makes
   * garbage). Undefined when the size measures none.
   */
  readonly quiet?: { readonly rss: number; readonly anon: number; readonly readings: number; readonly forMs: number };
}

/** Quiet readings start this long after the last line (the young generation shrinks at a scavenge that finds the rate low). */
const QUIET_FROM_MS = 30_000;
const QUIET_EVERY_MS = 5_000;

export interface AgentResult {
  readonly key: 'AG';
  readonly throughput: AgentThroughput;
  readonly latency: readonly AgentLatency[];
  readonly memory: AgentMemory;
  /** The agent publishes what each wake-up read, with no timer: its batch window is 0 ms. */
  readonly batchWindowMs: number;
  readonly problems: readonly string[];
}

interface RedisHandle {
  readonly url: string;
  readonly pid: number;
}

/** A scratch root with one writer per container, and the flags of an agent reading it. */
function agentWorld(
  label: string,
  containers: number,
  redis: RedisHandle,
  session: AgentSessionStub,
  settings: AgentFlags,
): { dir: string; writers: CriLogWriter[]; flags: AgentFlags } {
  const dir = mkdtempSync(join(tmpdir(), `tailgate-bench-${label}-`));
  const root = join(dir, 'pods');
  const stateDir = join(dir, 'state');
  mkdirSync(stateDir, { recursive: true });
  const writers = Array.from(
    { length: containers },
    (_, i) => new CriLogWriter(root, { namespace: NAMESPACE, pod: `pod-${String(i).padStart(3, '0')}`, container: 'app' }),
  );
  const flags: AgentFlags = {
    'node-name': NODE,
    root,
    'containers-dir': '',
    'state-dir': stateDir,
    'http-host': '127.0.0.1',
    'http-port': '0',
    'redis-url': redis.url,
    'redis-key-prefix': `bench-ag-${process.pid}-${label}:`,
    'log-level': 'warn',
    ...session.flags(dir),
    ...settings,
  };
  return { dir, writers, flags };
}

/**
 * How the AG agents run: node flags of the throughput agent (a CPU profile, V8 heap flags), settings
 * over the bench's for all. The RSS agents get the same node flags except profiling ones.
 */
export interface AgentUnderTest {
  readonly nodeFlags: readonly string[];
  readonly settings: AgentFlags;
}

export async function runAgent(
  size: BenchSize,
  redis: RedisHandle,
  underTest: AgentUnderTest,
  log: (line: string) => void,
): Promise<AgentResult> {
  const problems: string[] = [];
  const session = await AgentSessionStub.start(NODE);
  const { dir, writers, flags } = agentWorld('ag', 1, redis, session, underTest.settings);
  const writer = writers[0] as CriLogWriter;
  let agent: AgentHost | undefined;
  let demand: AgentDemand | undefined;
  let throughput: AgentThroughput;
  const latency: AgentLatency[] = [];
  try {
    agent = await AgentHost.start(flags, underTest.nodeFlags);
    demand = await AgentDemand.open(redis.url, flags['redis-key-prefix'] as string, { namespace: NAMESPACE });
    await demand.targetsAdded(1, size.timeoutMs);
    await untilTailed(demand, writers, size.timeoutMs);
    throughput = await measureThroughput(size, writer, demand, { agent: agent.pid, redis: redis.pid }, problems, log);
    const rawFile = join(dir, 'raw-tail.log');
    writeFileSync(rawFile, '');
    const paths = { agentFile: writer.path, demand, rawFile, redisUrl: redis.url };
    for (const rate of size.agentLatencyRatesPerSec) latency.push(await measureLatency(size, rate, paths, log));
    if (demand.signed.no > 0 && flags['gateway-url'] !== '') problems.push(`AG: ${demand.signed.no} messages arrived unsigned`);
    log(`  AG messages heard: ${demand.signed.yes} signed, ${demand.signed.no} unsigned`);
  } finally {
    await demand?.close();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  // Fresh processes, with the throughput agent gone.
  let memory: AgentMemory;
  try {
    const memoryFlags = underTest.nodeFlags.filter((flag) => !/^--(cpu|heap)-prof/.test(flag));
    memory = await measureMemory(size, redis, session, { nodeFlags: memoryFlags, settings: underTest.settings }, log);
  } finally {
    await session.close();
  }
  return { key: 'AG', throughput, latency, memory, batchWindowMs: 0, problems };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once every container delivered a record: the agent announces a container before it
 * starts tailing it at the file's end, so lines written right after the announcement may be
 * before that end. A probe line goes to each silent container every 100 ms until it is heard.
 */
async function untilTailed(demand: AgentDemand, writers: readonly CriLogWriter[], timeoutMs: number): Promise<void> {
  const heard = new Set<string>();
  demand.onRecords = (message) => void heard.add((JSON.parse(message) as { target: { pod: string } }).target.pod);
  const deadline = Date.now() + timeoutMs;
  try {
    while (heard.size < writers.length) {
      if (Date.now() > deadline) throw new Error(`AG: ${heard.size} of ${writers.length} containers tailed within ${timeoutMs} ms`);
      for (const w of writers) if (!heard.has(w.target.pod)) await w.writeRaw(`${CRI_TS} stdout F probe\n`);
      await sleep(100);
    }
  } finally {
    demand.onRecords = () => undefined;
  }
}

/** About `bytes` of CRI lines like S1's (about 180 bytes each), whole chunks of 500. */
function buildPayload(bytes: number): { data: Buffer; lines: number } {
  const chunk = buildChunk('pod-000');
  const chunks = Math.max(1, Math.round(bytes / chunk.length));
  return { data: Buffer.concat(Array.from({ length: chunks }, () => chunk)), lines: chunks * 500 };
}

async function measureThroughput(
  size: BenchSize,
  writer: CriLogWriter,
  demand: AgentDemand,
  pids: Readonly<Record<string, number>>,
  problems: string[],
  log: (line: string) => void,
): Promise<AgentThroughput> {
  const payload = buildPayload(size.agentThroughputBytes);
  const samples: { agent: number; lines: number; raw: number; cpu: Record<string, number> }[] = [];
  let incompleteRuns = 0;
  for (let run = 0; run < size.agentRuns; run++) {
    const start = statSync(writer.path).size;
    // On odd runs the raw reader goes first, over the same bytes as the previous run appended.
    const rawBefore = run % 2 === 1 ? await rawReadAndSplit(writer.path, start - payload.data.length, start) : undefined;
    const agentRun = await agentAppendRun(size, writer, demand, payload, pids);
    if (agentRun.received !== payload.lines) {
      incompleteRuns++;
      problems.push(`AG-tput run ${run + 1}: ${agentRun.received} of ${payload.lines} lines arrived`);
    }
    const raw = rawBefore ?? (await rawReadAndSplit(writer.path, start, start + payload.data.length));
    if (raw.lines !== payload.lines) problems.push(`AG raw run ${run + 1}: split ${raw.lines} of ${payload.lines} lines`);
    const sample = {
      agent: payload.data.length / MB / (agentRun.ms / 1000),
      lines: agentRun.received / (agentRun.ms / 1000),
      raw: payload.data.length / MB / (raw.ms / 1000),
      cpu: agentRun.cpu,
    };
    samples.push(sample);
    log(
      `  AG-tput run ${run + 1}/${size.agentRuns}: agent ${sample.agent.toFixed(1)} MB/s (${Math.round(sample.lines)} lines/s), raw ${sample.raw.toFixed(0)} MB/s, ${(sample.agent / sample.raw).toFixed(3)}×; CPU ${JSON.stringify(sample.cpu)}`,
    );
  }
  const cpuPercent: Record<string, number> = {};
  for (const role of Object.keys(pids)) cpuPercent[role] = spread(samples.map((s) => s.cpu[role] ?? Number.NaN)).median;
  return {
    bytes: payload.data.length,
    lines: payload.lines,
    agentMBps: spread(samples.map((s) => s.agent)),
    agentLinesPerSec: spread(samples.map((s) => s.lines)),
    rawMBps: spread(samples.map((s) => s.raw)),
    ratio: spread(samples.map((s) => s.agent / s.raw)),
    cpuPercent,
    incompleteRuns,
  };
}

/** Appends the payload in one write; ms from just before it to the last record received. */
async function agentAppendRun(
  size: BenchSize,
  writer: CriLogWriter,
  demand: AgentDemand,
  payload: { data: Buffer; lines: number },
  pids: Readonly<Record<string, number>>,
): Promise<{ ms: number; received: number; cpu: Record<string, number> }> {
  let received = 0;
  let lastAt = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  demand.onRecords = (message, at) => {
    received += countRecords(message);
    lastAt = at;
    if (received >= payload.lines) done();
  };
  const meter = startCpuMeter(pids);
  const startedAt = epochMs();
  await writer.writeRaw(payload.data);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, size.timeoutMs)))]);
  clearTimeout(timer);
  const ms = (lastAt || epochMs()) - startedAt;
  demand.onRecords = () => undefined;
  return { ms, received, cpu: meter.stop(ms) };
}

/** The baseline: bytes [from, to) of a file read `READ_BYTES` at a time into one buffer, lines found with indexOf. */
export async function rawReadAndSplit(path: string, from: number, to: number): Promise<{ ms: number; lines: number }> {
  const started = epochMs();
  const handle = await open(path, 'r');
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  let lines = 0;
  let carried = 0;
  try {
    for (let offset = from; offset < to;) {
      const { bytesRead } = await handle.read(buffer, carried, Math.min(READ_BYTES - carried, to - offset), offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      const filled = carried + bytesRead;
      let start = 0;
      for (let end = buffer.indexOf(0x0a, start); end >= 0 && end < filled; end = buffer.indexOf(0x0a, start)) {
        lines++;
        start = end + 1;
      }
      // The partial line at the end moves to the front for the next read (lines are far shorter than the buffer).
      carried = filled - start;
      buffer.copy(buffer, 0, start, filled);
    }
  } finally {
    await handle.close();
  }
  return { ms: epochMs() - started, lines };
}

async function measureMemory(
  size: BenchSize,
  redis: RedisHandle,
  session: AgentSessionStub,
  underTest: AgentUnderTest,
  log: (line: string) => void,
): Promise<AgentMemory> {
  const bareHost = await AgentHost.start({}, underTest.nodeFlags, { bare: true });
  const bare = inMB(await bareHost.memory());
  await bareHost.stop();
  log(`  AG-rss the same fork without the agent (plain Node): ${describe(bare)}`);
  const samples: { idle: MemoryMB; tailing: MemoryMB }[] = [];
  let quiet: AgentMemory['quiet'];
  for (let run = 0; run < size.agentMemoryRuns; run++) {
    const quietMs = run === 0 ? size.agentQuietMs : 0;
    if (quietMs > 0) log(`  AG-rss process 1 then stays quiet for ${quietMs / 1000} s (RSS read every ${QUIET_EVERY_MS / 1000} s)`);
    const sample = await measureFreshAgent(size, redis, session, underTest, quietMs);
    samples.push(sample);
    quiet ??= sample.quiet;
    log(
      `  AG-rss process ${run + 1}/${size.agentMemoryRuns}: ${size.agentContainers} containers tailed, ${describe(sample.tailing)}; no demand: RSS ${sample.idle.rss.toFixed(1)} MB` +
        (sample.quiet
          ? `; quiet, largest of ${sample.quiet.readings} readings: RSS ${sample.quiet.rss.toFixed(1)} MB, anon ${sample.quiet.anon.toFixed(1)}`
          : ''),
    );
  }
  const tailing = (field: keyof MemoryMB): Spread => spread(samples.map((s) => s.tailing[field]));
  return {
    containers: size.agentContainers,
    processes: samples.length,
    idleRssMB: spread(samples.map((s) => s.idle.rss)),
    tailing: {
      rss: tailing('rss'),
      anon: tailing('anon'),
      file: tailing('file'),
      heapTotal: tailing('heapTotal'),
      heapUsed: tailing('heapUsed'),
      young: tailing('young'),
    },
    aboveBare: {
      rss: spread(samples.map((s) => s.tailing.rss - bare.rss)),
      anon: spread(samples.map((s) => s.tailing.anon - bare.anon)),
    },
    bare,
    ...(quiet && { quiet }),
  };
}

/** The largest RSS and anon of a process read every QUIET_EVERY_MS from QUIET_FROM_MS to `untilMs` after `since`. */
async function quietPeak(pid: number, since: number, untilMs: number): Promise<NonNullable<AgentMemory['quiet']>> {
  let rss = 0;
  let anon = 0;
  let readings = 0;
  for (let at = QUIET_FROM_MS; at <= untilMs; at += QUIET_EVERY_MS) {
    await sleep(Math.max(0, since + at - Date.now()));
    const status = procStatusOf(pid);
    if (!Number.isFinite(status.rss)) throw new Error('AG-rss: the quiet agent is gone');
    rss = Math.max(rss, status.rss / MB);
    anon = Math.max(anon, status.rssAnon / MB);
    readings++;
  }
  return { rss, anon, readings, forMs: untilMs };
}

function inMB(memory: ProcessMemory): MemoryMB {
  const { rss, rssAnon, rssFile, heapTotal, heapUsed, youngResident } = memory;
  return {
    rss: rss / MB,
    anon: rssAnon / MB,
    file: rssFile / MB,
    heapTotal: heapTotal / MB,
    heapUsed: heapUsed / MB,
    young: youngResident / MB,
  };
}

function describe(m: MemoryMB): string {
  const f = (v: number): string => v.toFixed(1);
  return `RSS ${f(m.rss)} MB (anon ${f(m.anon)}, of it young generation ${f(m.young)}; file ${f(m.file)}), heap ${f(m.heapUsed)} of ${f(m.heapTotal)} MB`;
}

/**
 * One fresh agent: settled memory before demand, then with every container tailed and read from;
 * with `quietMs`, then the largest RSS while it keeps following them with nothing written.
 */
async function measureFreshAgent(
  size: BenchSize,
  redis: RedisHandle,
  session: AgentSessionStub,
  underTest: AgentUnderTest,
  quietMs: number,
): Promise<{ idle: MemoryMB; tailing: MemoryMB; quiet?: AgentMemory['quiet'] }> {
  const { dir, writers, flags } = agentWorld('ag-rss', size.agentContainers, redis, session, underTest.settings);
  let agent: AgentHost | undefined;
  let demand: AgentDemand | undefined;
  try {
    agent = await AgentHost.start(flags, underTest.nodeFlags);
    const idle = inMB(await agent.memory());
    demand = await AgentDemand.open(redis.url, flags['redis-key-prefix'] as string, { namespace: NAMESPACE });
    await demand.targetsAdded(writers.length, size.timeoutMs);
    await untilTailed(demand, writers, size.timeoutMs);
    const linesEach = 20;
    let received = 0;
    demand.onRecords = (message) => void (received += countRecords(message));
    for (const w of writers) await w.writeRaw(`${CRI_TS} stdout F ${w.target.pod} level=info msg=${PAD}\n`.repeat(linesEach));
    const deadline = Date.now() + size.timeoutMs;
    while (received < writers.length * linesEach && Date.now() < deadline) await sleep(20);
    if (received < writers.length * linesEach) throw new Error(`AG-rss: ${received} of ${writers.length * linesEach} lines arrived`);
    const lastLineAt = Date.now();
    const tailing = inMB(await agent.memory());
    if (quietMs <= 0) return { idle, tailing };
    return { idle, tailing, quiet: await quietPeak(agent.pid, lastLineAt, quietMs) };
  } finally {
    await demand?.close();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
