// A real syslog-ng 3.38 (Debian syslog-ng-core + syslog-ng-mod-http) tails a file of JSON records
// and posts them through its http() destination to readIngestBody behind a node:http server:
// the default newline framing, the array framing of reference §6.4, and its reaction to our
// statuses (503 retried, 400 dropped) that the ingest endpoint's answers rely on.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { PluginHttpRequest } from '@tailgate/plugin-sdk';
import { freePort } from '@tailgate/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { IngestLimitsSchema } from '../../plugins/flow-tap/src/flow-tap-config';
import type { IngestBodyResult } from '../../plugins/flow-tap/src/ingest/ingest-record';
import { readIngestBody } from '../../plugins/flow-tap/src/ingest/read-ingest-body';
import { pluginHttpListener } from '../support/plugin-http-adapter';
import { SyslogNg } from '../support/syslog-ng';

const LIMITS = IngestLimitsSchema.parse({});
const TAP_PATH = '/flow/production/acme-flow';

interface Delivery {
  readonly raw: string;
  readonly headers: PluginHttpRequest['headers'];
  readonly result: IngestBodyResult;
  readonly status: number;
}

/** Serves readIngestBody; answers the scripted statuses first, then what the body deserves. */
class IngestServer {
  readonly deliveries: Delivery[] = [];
  private readonly waiters: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly scripted: number[],
  ) {}

  static async start(scripted: number[] = []): Promise<IngestServer> {
    const port = await freePort();
    const holder: { ingest?: IngestServer } = {};
    const server = createServer(pluginHttpListener(async (request) => holder.ingest!.handle(request)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    holder.ingest = new IngestServer(server, port, scripted);
    return holder.ingest;
  }

  /** Resolves once `count` requests have been answered (or rejects when syslog-ng dies first). */
  async delivered(count: number, shipper: SyslogNg): Promise<readonly Delivery[]> {
    while (this.deliveries.length < count) {
      await Promise.race([new Promise<void>((resolve) => this.waiters.push(resolve)), shipper.died()]);
    }
    return this.deliveries.slice(0, count);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: PluginHttpRequest): Promise<{ status: number }> {
    const chunks: Uint8Array[] = [];
    const result = await readIngestBody({ ...request, body: recorded(request.body, chunks) }, LIMITS);
    const status = this.scripted.shift() ?? (result.ok ? 200 : result.status);
    this.deliveries.push({ raw: Buffer.concat(chunks).toString('utf8'), headers: request.headers, result, status });
    for (const wake of this.waiters.splice(0)) wake();
    return { status };
  }
}

async function* recorded(body: AsyncIterable<Uint8Array>, into: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    into.push(chunk);
    yield chunk;
  }
}

/** A record as fluent-bit's kubernetes filter shapes it (reference §2.4), message under `log`. */
function podRecord(line: string, stream: 'stdout' | 'stderr' = 'stdout'): string {
  return JSON.stringify({
    log: `${line}\n`,
    stream,
    time: '2024-05-01T10:00:00.123456789Z',
    kubernetes: {
      pod_name: 'acme-app-7d4b9c-abcde',
      namespace_name: 'production',
      container_name: 'app',
      host: 'node-1',
      labels: { app: 'acme', 'rbac/policy': 'allow' },
    },
  });
}

function httpDestination(port: number, options: string): string {
  const url = `http://127.0.0.1:${port}${TAP_PATH}`;
  return `http(url("${url}") method("POST") body("$MSG") time-reopen(1) ${options});`;
}

/** A record cut off mid-object: a body no retry can fix. */
const MALFORMED = '{"log":"cut off", "kubernetes":';

const linesOf = (delivery: Delivery): string[] => (delivery.result.ok ? delivery.result.records.map((record) => record.line) : []);

describe('syslog-ng http() posting to the ingest body reader', () => {
  let dir: string;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(() => SyslogNg.assertInstalled());

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(scripted: number[], destination: (port: number) => string, lines: readonly string[]) {
    dir = mkdtempSync(join(tmpdir(), 'tailgate-syslog-ng-'));
    const server = await IngestServer.start(scripted);
    cleanups.push(() => server.close());
    const shipper = SyslogNg.start(dir, destination(server.port), lines);
    cleanups.push(() => shipper.stop());
    return { server, shipper };
  }

  it('delivers a newline-framed batch (no final newline) as one body of every record', async () => {
    const lines = [podRecord('hello from pod é "quoted"'), podRecord('second line', 'stderr'), podRecord('third')];
    const ndjson = (port: number) =>
      httpDestination(port, 'headers("Content-Type: application/x-ndjson") batch-lines(3) batch-timeout(5000)');
    const { server, shipper } = await run([], ndjson, lines);

    const [delivery] = await server.delivered(1, shipper);
    expect(delivery!.raw).toBe(lines.join('\n'));
    expect(delivery!.headers['user-agent']).toMatch(/^syslog-ng 3\./);
    expect(delivery!.status).toBe(200);
    expect(delivery!.result).toEqual({
      ok: true,
      records: [
        {
          namespace: 'production',
          pod: 'acme-app-7d4b9c-abcde',
          container: 'app',
          stream: 'stdout',
          time: '2024-05-01T10:00:00.123456789Z',
          line: 'hello from pod é "quoted"',
        },
        {
          namespace: 'production',
          pod: 'acme-app-7d4b9c-abcde',
          container: 'app',
          stream: 'stderr',
          time: '2024-05-01T10:00:00.123456789Z',
          line: 'second line',
        },
        {
          namespace: 'production',
          pod: 'acme-app-7d4b9c-abcde',
          container: 'app',
          stream: 'stdout',
          time: '2024-05-01T10:00:00.123456789Z',
          line: 'third',
        },
      ],
      dropped: {},
    });
  });

  it('delivers an array-framed batch (body-prefix, delimiter, body-suffix)', async () => {
    const lines = [podRecord('one'), podRecord('two'), podRecord('three')];
    const array = (port: number) =>
      httpDestination(
        port,
        'headers("Content-Type: application/json") body-prefix("[") delimiter(",") body-suffix("]") batch-lines(3) batch-timeout(5000)',
      );
    const { server, shipper } = await run([], array, lines);

    const [delivery] = await server.delivered(1, shipper);
    expect(delivery!.raw).toBe(`[${lines.join(',')}]`);
    expect(delivery!.status).toBe(200);
    expect(linesOf(delivery!)).toEqual(['one', 'two', 'three']);
  });

  it('retries a batch answered 503 until it is accepted', async () => {
    const ndjson = (port: number) => httpDestination(port, 'batch-lines(2) batch-timeout(5000)');
    const { server, shipper } = await run([503], ndjson, [podRecord('kept'), podRecord('through a retry')]);

    const [refused, retried] = await server.delivered(2, shipper);
    expect(refused!.status).toBe(503);
    expect(retried!.status).toBe(200);
    expect(retried!.raw).toBe(refused!.raw);
    expect(linesOf(retried!)).toEqual(['kept', 'through a retry']);
  });

  it('re-sends a batch answered 400 by default, as it does a 503', async () => {
    // Unlike fluentd and fluent-bit, syslog-ng 3.38 retries 4xx forever by default: a 400 blocks
    // its queue. Taps shipped by syslog-ng need response-action(400 => drop) (next test).
    const ndjson = (port: number) => httpDestination(port, 'batch-lines(1) batch-timeout(100)');
    const { server, shipper } = await run([], ndjson, [MALFORMED]);

    const [first, second] = await server.delivered(2, shipper);
    expect(first!.result).toMatchObject({ ok: false, status: 400, code: 'malformed_json' });
    expect(second!.raw).toBe(first!.raw);
    expect(second!.status).toBe(400);
  });

  it('drops a batch answered 400 with response-action(400 => drop), and goes on', async () => {
    const ndjson = (port: number) => httpDestination(port, 'batch-lines(1) batch-timeout(100) response-action(400 => drop)');
    const { server, shipper } = await run([], ndjson, [MALFORMED]);

    const [malformed] = await server.delivered(1, shipper);
    expect(malformed!.result).toMatchObject({ ok: false, status: 400, code: 'malformed_json' });
    // Written after the 400: the next request carries it alone, so the refused one was dropped.
    shipper.append(podRecord('after the refusal'));
    const [, next] = await server.delivered(2, shipper);
    expect(linesOf(next!)).toEqual(['after the refusal']);
  });
});
