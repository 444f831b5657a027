// Property-based fuzzing of the /logs protocol against a real gateway process (fast-check):
// generated requests of every kind on one connection, and generated handshakes. Asserted for
// every case: the acknowledgement is `ok` or a documented error code (never `internal`, and the
// refusal the protocol prescribes where it prescribes one), every event and acknowledgement
// passes the leak oracle, the connection stays usable (a `sources.list` after each batch), and
// the gateway's heap after a full GC has not grown beyond a stated bound.
//
// Cases run in batches sent at once. TAILGATE_FUZZ_RUNS sets the batches per property (default
// 200: 10,000 requests and 2,000 handshakes); TAILGATE_FUZZ_SEED replays a run. For example:
//   npm run test:fuzz -- --runs 2000     (or --seed S to replay; scripts/fuzz.sh)
import { CLIENT_EVENTS } from '@tailgate/contracts';
import fc from 'fast-check';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LogClient } from '../e2e/support/log-client';
import { checkAck, checkConnectError, SEES_EVERYTHING } from '../support/leak-oracle';
import { emitRawFrame } from '../support/raw-frame';
import { type FuzzGateway, startFuzzGateway } from './support/fuzz-gateway';
import { describeCase } from './support/printable-case';
import { expectedOutcome, handshakeCase, withToken } from './support/handshake-cases';
import { acceptedSubscription, ackProblem, type RequestCase, requestCase } from './support/request-cases';

const RUNS = Number(process.env.TAILGATE_FUZZ_RUNS ?? 200);
const SEED = process.env.TAILGATE_FUZZ_SEED === undefined ? undefined : Number(process.env.TAILGATE_FUZZ_SEED);
const REQUEST_BATCH = 50;
const HANDSHAKE_BATCH = 10;
const WARM_UP_RUNS = 20;
/** Heap the gateway may retain after a whole run, beyond its warmed-up baseline: 10,000 cases leaking 400 bytes each would exceed it. */
const RETAINED_HEAP_BOUND = 4 * 1024 * 1024;
const MIB = 1024 * 1024;
/** Each property's time limit, grown with TAILGATE_FUZZ_RUNS (a batch takes about 40 ms on two cores). */
const TIMEOUT_MS = 120_000 + RUNS * 250;

const settings = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, ...(SEED !== undefined && { seed: SEED }), endOnFailure: true });

describe('protocol fuzz', () => {
  let gateway: FuzzGateway;

  beforeAll(async () => {
    gateway = await startFuzzGateway('protocol-fuzz');
  }, 90_000);
  afterAll(() => gateway?.stop());

  it(
    `answers ${RUNS * REQUEST_BATCH} generated requests with ok or a documented code, and stays usable`,
    async () => {
      const sees = gateway.sees('alice');
      const client = await LogClient.connect(gateway.url, { token: gateway.world.tokens.alice, sees });
      const runBatch = async (cases: readonly RequestCase[]): Promise<void> => {
        const acks = await Promise.all(cases.map((c) => send(client, c)));
        const accepted: string[] = [];
        cases.forEach((c, i) => {
          if (c.kind === 'no-ack') return;
          expect(ackProblem(c, acks[i]), `${describeCase(c)} → ${describeCase(acks[i])}`).toBeUndefined();
          expect(checkAck(ackSchemaOf(c.event), acks[i], sees), describeCase(c)).toBeUndefined();
          const id = acceptedSubscription(c, acks[i]);
          if (id !== undefined) accepted.push(id);
        });
        // A subscription that does not follow may have ended by itself (and the client been told).
        for (const id of new Set(accepted)) {
          const answer = await client.emitRaw('unsubscribe', { id });
          if (!client.ended.some((event) => event.sub === id)) expect(answer).toEqual({ ok: true });
        }
        expect(await client.emitRaw('sources.list')).toMatchObject({ ok: true });
        expect(client.socket.connected).toBe(true);
        expect(client.violations).toEqual([]);
      };
      const property = fc.asyncProperty(fc.array(requestCase, { minLength: REQUEST_BATCH, maxLength: REQUEST_BATCH }), runBatch);

      await fc.assert(property, settings(WARM_UP_RUNS));
      await drained(gateway);
      const baseline = await gateway.retainedHeap();
      await fc.assert(property, settings(RUNS));
      await drained(gateway);
      const retained = await gateway.retainedHeap();
      client.close();
      console.info(
        `request fuzz: ${RUNS * REQUEST_BATCH} cases; heap after GC ${(baseline / MIB).toFixed(1)} → ${(retained / MIB).toFixed(1)} MiB`,
      );
      expect(retained - baseline).toBeLessThan(RETAINED_HEAP_BOUND);
    },
    TIMEOUT_MS,
  );

  it(
    `answers ${RUNS * HANDSHAKE_BATCH} generated handshakes exactly as the protocol says`,
    async () => {
      const token = gateway.world.tokens.alice as string;
      const property = fc.asyncProperty(
        fc.array(handshakeCase, { minLength: HANDSHAKE_BATCH, maxLength: HANDSHAKE_BATCH }),
        async (cases) => {
          const outcomes = await Promise.all(cases.map((c) => handshake(gateway.url, withToken(c, token))));
          cases.forEach((c, i) => expect(outcomes[i], describeCase(c)).toBe(expectedOutcome(c)));
        },
      );

      await fc.assert(property, settings(WARM_UP_RUNS));
      const baseline = await gateway.retainedHeap();
      await fc.assert(property, settings(RUNS));
      const retained = await gateway.retainedHeap();
      console.info(
        `handshake fuzz: ${RUNS * HANDSHAKE_BATCH} cases; heap after GC ${(baseline / MIB).toFixed(1)} → ${(retained / MIB).toFixed(1)} MiB`,
      );
      expect(retained - baseline).toBeLessThan(RETAINED_HEAP_BOUND);
    },
    TIMEOUT_MS,
  );

  it('closes only the connection of a frame Socket.IO cannot decode or that exceeds maxPayloadBytes', async () => {
    const bystander = await LogClient.connect(gateway.url, { token: gateway.world.tokens.bob, sees: gateway.sees('bob') });
    const frames = [
      ['2/logs,7["subscribe",{"source":'], // JSON that does not parse
      ['2/logs,7{"not":"an array"}'], // a payload that is not [event, ...args]
      ['2/logs,7["disconnect"]'], // a reserved event name
      ['9/logs,'], // a packet type that does not exist
      ['2/elsewhere,7["sources.list"]'], // a namespace this connection never joined
      ['51-/logs,7["sources.list",{"_placeholder":true,"num":0}]', '2/logs,8["sources.list"]'], // text where an attachment was due
      [`2/logs,7["sources.list","${'x'.repeat(1024 * 1024)}"]`], // larger than maxPayloadBytes
    ];
    for (const messages of frames) {
      const client = await LogClient.connect(gateway.url, { token: gateway.world.tokens.alice, sees: gateway.sees('alice') });
      const closed = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
      for (const message of messages) client.socket.io.engine.send(message);
      const open = new Promise<string>((resolve) => setTimeout(() => resolve(`still open after ${describeCase(messages)}`), 2_000));
      expect(await Promise.race([closed, open])).toMatch(/^transport (close|error)$/);
    }
    expect(await bystander.emitRaw('sources.list')).toMatchObject({ ok: true });
    bystander.close();
  });
});

function send(client: LogClient, c: RequestCase): Promise<unknown> {
  if (c.kind === 'raw') return emitRawFrame(client.socket, c.event, c.argsJson);
  if (c.kind === 'emit') return client.emitRaw(c.event, ...c.args);
  client.emitWithoutAck(c.event, c.args[0]);
  return Promise.resolve(undefined);
}

/** The acknowledgement schema an answer to `event` must fit: an unknown event gets an error acknowledgement. */
function ackSchemaOf(event: string): 'subscribe' | 'unsubscribe' | 'sources.list' {
  return (CLIENT_EVENTS as readonly string[]).includes(event) ? (event as 'subscribe' | 'unsubscribe' | 'sources.list') : 'unsubscribe';
}

/** Until every subscription the run made has ended and its upstream stopped. */
async function drained(gateway: FuzzGateway): Promise<void> {
  let left = '';
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const [listeners, upstreams] = await Promise.all([
      gateway.process.metric('tailgate_listeners_active'),
      gateway.process.metric('tailgate_upstreams_active'),
    ]);
    if (listeners === 0 && upstreams === 0) return;
    left = `${listeners} listeners and ${upstreams} upstreams`;
  }
  throw new Error(`the run left ${left} behind`);
}

/** How one handshake ends: connected (and answering sources.list), a connect_error code, or refused by the transport. */
function handshake(url: string, attempt: { auth: unknown; headers: Record<string, string> }): Promise<string> {
  const socket = io(`${url}/logs`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: attempt.auth as Record<string, unknown>,
    extraHeaders: attempt.headers,
  });
  return new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('no answer within 5 s'), 5_000);
    const done = (outcome: string): void => {
      clearTimeout(timer);
      resolve(outcome);
    };
    socket.once('connect', () => {
      socket
        .timeout(5_000)
        .emitWithAck('sources.list')
        .then(
          (ack: { ok?: unknown }) => done(ack.ok === true ? 'connected' : 'connected, but sources.list failed'),
          () => done('connected, but sources.list went unanswered'),
        );
    });
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
      if (error.data === undefined) return done('refused-by-transport');
      done(checkConnectError(error.data, SEES_EVERYTHING) ?? String(error.data.code));
    });
    socket.once('disconnect', () => done('refused-by-transport'));
  }).finally(() => socket.close());
}
