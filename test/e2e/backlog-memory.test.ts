// Bounded memory under slow backlog readers (DESIGN §4 "Bounded memory"): three clients ask for the
// whole of a 160 MiB container log (`since`, no follow) and stop reading. The gateway runs in a
// process of its own, so the RSS measured is the gateway's alone. It must stay within a bound that
// reading each backlog whole and queueing it into the sockets exceeds several times over; once a
// client reads again, its backlog continues where it stopped, in order. Figures: docs/performance.md.
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDemoWorld, DEMO_PODS, type DemoWorld } from '../../apps/gateway/src/demo/demo-world';
import { demoVisibility } from './support/demo-visibility';
import { type GatewayProcess, spawnGateway } from './support/gateway-process';
import { LogClient } from './support/log-client';

const MIB = 1024 * 1024;
const LOG_BYTES = 160 * MIB;
/** About 1 KiB a line, stamped 20 µs apart over the last hour or so. */
const LINE_PAD = 'x'.repeat(960);
const CLIENTS = 3;
/** How long the clients do not read while the gateway's RSS is sampled. */
const STALL_MS = 12_000;
/** The gateway's RSS while three backlogs wait; the old code reached about 1.7 GB. */
const RSS_LIMIT_BYTES = 250 * MIB;
/** Above the RSS of the same gateway after one small backlog: a few connection buffers, pages and garbage. */
const GROWTH_LIMIT_BYTES = 100 * MIB;
const CHECKOUT = { source: 'node-file.pods', selector: { namespace: 'team-a', pod: 'checkout-api' } };

/** Writes `bytes` of CRI lines numbered from 0 into the container's current log file; returns the line count. */
function writeLargeLog(world: DemoWorld, bytes: number): number {
  const dir = join(world.podsRoot, 'team-a_checkout-api_0a5e1f2c-memory', 'api');
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, '0.log'), 'w');
  const startSecond = Math.floor(Date.now() / 1000) - 3_600;
  let written = 0;
  let line = 0;
  try {
    while (written < bytes) {
      const chunk: string[] = [];
      for (let i = 0; i < 4096; i++, line++) {
        const micros = line * 20;
        const second = new Date((startSecond + Math.floor(micros / 1_000_000)) * 1000).toISOString().slice(0, 19);
        const nanos = String((micros % 1_000_000) * 1000).padStart(9, '0');
        chunk.push(`${second}.${nanos}Z stdout F seq=${String(line).padStart(8, '0')} ${LINE_PAD}\n`);
      }
      written += writeSync(fd, chunk.join(''));
    }
  } finally {
    closeSync(fd);
  }
  return line;
}

function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** Stops reading from the TCP socket (engine.io-client on Node uses `ws`). */
const webSocketOf = (client: LogClient) => (client.socket.io.engine.transport as unknown as { ws: { pause(): void; resume(): void } }).ws;

describe('memory under slow backlog readers', () => {
  let dir: string;
  let world: DemoWorld;
  let gateway: GatewayProcess;
  let lines: number;
  const clients: LogClient[] = [];
  const connect = async () => {
    const client = await LogClient.connect(gateway.url, { token: world.tokens.alice, sees: demoVisibility('alice', () => DEMO_PODS) });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tailgate-backlog-memory-'));
    world = createDemoWorld(dir, { port: 0, logLevel: 'warn' });
    lines = writeLargeLog(world, LOG_BYTES);
    gateway = await spawnGateway(world.config, dir, 'gateway');
  }, 60_000);

  afterAll(async () => {
    for (const client of clients.splice(0)) client.close();
    gateway?.kill('SIGKILL');
    await gateway?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the gateway within its bound while three clients do not read a 160 MiB backlog', async () => {
    // The same gateway after one small backlog: its code loaded, the file in the page cache.
    const warm = await connect();
    expect((await warm.subscribe({ ...CHECKOUT, tail: 5, follow: false })).ok).toBe(true);
    await warm.waitFor(() => warm.ended.length === 1, 'the warm-up backlog');
    await sleep(500);
    const baseline = rssBytes(gateway.pid);

    const readers = await Promise.all(Array.from({ length: CLIENTS }, connect));
    for (const reader of readers) {
      // No acknowledgement wanted: the client stops reading right after asking.
      reader.emitWithoutAck('subscribe', { ...CHECKOUT, since: '2h', follow: false });
      webSocketOf(reader).pause();
    }
    let peak = 0;
    for (const until = Date.now() + STALL_MS; Date.now() < until; await sleep(200)) peak = Math.max(peak, rssBytes(gateway.pid));
    console.info(
      `backlog memory: baseline ${(baseline / MIB).toFixed(0)} MiB, peak ${(peak / MIB).toFixed(0)} MiB with ${CLIENTS} stalled readers of ${LOG_BYTES / MIB} MiB`,
    );
    expect(peak).toBeLessThan(RSS_LIMIT_BYTES);
    expect(peak - baseline).toBeLessThan(GROWTH_LIMIT_BYTES);
    // The gateway was sending (it waits on them), and none of the three got near the end.
    expect(await gateway.metric('tailgate_records_delivered_total')).toBeGreaterThan(5);
    for (const reader of readers) expect(reader.records.length).toBeLessThan(lines / 10);

    // Reading again, a client gets its backlog on from where it stopped, in order.
    const [first] = readers as [LogClient];
    webSocketOf(first).resume();
    await first.waitFor(() => first.records.length >= 20_000, '20,000 records of the backlog after reading again', 20_000);
    expect(first.lines().slice(0, 20_000)).toEqual(
      Array.from({ length: 20_000 }, (_, i) => `seq=${String(i).padStart(8, '0')} ${LINE_PAD}`),
    );
  }, 60_000);
});
