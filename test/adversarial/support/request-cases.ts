// Generated client requests for the protocol fuzz, and what the gateway must answer to each:
// every request of the protocol with fields of the right and wrong types, unknown events
// (prototype names and `error` included), non-object, missing and extra arguments, binary,
// strings near the payload cap, and payloads nested far deeper than any schema may walk.
import { CLIENT_EVENTS, ERROR_CODES, LIMITS } from '@tailgate/contracts';
import fc from 'fast-check';

import { nestedJson } from '../../support/raw-frame';
import { printable } from './printable-case';

export type RequestCase =
  /** Emitted by socket.io-client with an acknowledgement. */
  | { readonly kind: 'emit'; readonly event: string; readonly args: readonly unknown[] }
  /** Emitted without an acknowledgement: only the connection's health can be checked after. */
  | { readonly kind: 'no-ack'; readonly event: string; readonly args: readonly unknown[] }
  /** Written as raw frame text (the client's encoder cannot build deep ones), `depth` levels deep. */
  | { readonly kind: 'raw'; readonly event: string; readonly argsJson: readonly string[]; readonly depth: number };

const SOURCE = 'node-file.pods';
/** Names socket.io-client refuses to emit. */
const RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);
/** `since` values the gateway once accepted wrongly; none may ever be accepted. */
export const BAD_SINCES = ['5', '5\u0000m', '2026-02-30T00:00:00Z', '2026-12-01', '2026-12-01T00:00:00', '-5m', '5d', '1.5h', ''];

const json = fc.jsonValue({ maxDepth: 3 });
const name = fc.oneof(
  fc.constantFrom('team-a', 'team-b', 'checkout-api', 'payments-worker', 'web-frontend', 'api', 'worker', 'nginx', 'kube-system'),
  fc.string({ maxLength: 70 }),
  json,
);
const selector = fc.oneof(
  fc.record({ namespace: name, pod: name, container: name }, { requiredKeys: [] }),
  fc.record({ namespace: name, labelSelector: json }, { requiredKeys: [] }),
  json,
);
const since = fc.oneof(
  fc.constantFrom(...BAD_SINCES),
  fc.constantFrom('1500ms', '30s', '5m', '2h', '876001h'),
  fc.tuple(fc.nat(100_000), fc.constantFrom('ms', 's', 'm', 'h', '', 'd', ' m')).map(([n, unit]) => `${n}${unit}`),
  fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((date) => date.toISOString()),
  fc.string({ maxLength: 70 }),
  json,
);
const count = fc.oneof(fc.integer({ min: -5, max: 20_000 }), fc.double(), json);
const cursor = fc.oneof(fc.string({ maxLength: 600 }), json);
const resume = fc.oneof(
  cursor,
  fc.dictionary(
    fc.oneof(fc.constantFrom('team-a/checkout-api/api', 'team-a/payments-worker/worker'), fc.string({ maxLength: 40 })),
    cursor,
    {
      maxKeys: 4,
    },
  ),
);
const extraFields = fc.dictionary(fc.string({ maxLength: 12 }), json, { maxKeys: 2 });

/** Requests close to valid, most of them accepted: the paths behind parsing get exercised too. */
const plausibleSubscribe = fc.record(
  {
    source: fc.constant(SOURCE),
    selector: fc.record({ namespace: fc.constantFrom('team-a', 'team-b') }, { requiredKeys: [] }),
    tail: fc.nat(3),
    follow: fc.boolean(),
    order: fc.constantFrom('source', 'time'),
  },
  { requiredKeys: ['source'] },
);
const anySubscribe = fc
  .tuple(
    fc.record(
      {
        source: fc.oneof(fc.constant(SOURCE), fc.string({ maxLength: 140 }), json),
        selector,
        since,
        tail: count,
        follow: fc.oneof(fc.boolean(), json),
        resume,
        order: fc.oneof(fc.constantFrom('source', 'time'), json),
      },
      { requiredKeys: [] },
    ),
    fc.option(extraFields, { freq: 4 }),
  )
  .map(([request, extra]) => (extra ? { ...extra, ...request } : request));

/** Up to three in one request stay under maxPayloadBytes (1 MiB): a larger frame closes the connection, as documented. */
const bigString = fc.integer({ min: 10_000, max: 300_000 }).map((length) => 'x'.repeat(length));
/** Any argument at all. */
const anything = fc.oneof(
  { weight: 8, arbitrary: json },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 256 }) },
  { weight: 1, arbitrary: bigString },
  { weight: 1, arbitrary: fc.record({ source: bigString }) },
);
const trailing = fc.oneof(
  { weight: 6, arbitrary: fc.constant([]) },
  { weight: 1, arbitrary: fc.array(anything, { minLength: 1, maxLength: 2 }) },
);

const unknownEvent = fc
  .oneof(
    fc.constantFrom(
      '__proto__',
      'constructor',
      'toString',
      'valueOf',
      'hasOwnProperty',
      'error',
      'exception',
      'message',
      'records',
      'denied',
    ),
    fc.constantFrom('subscribe ', 'Subscribe', 'sources', 'sources.list.', 'unsubscribe\u0000'),
    fc.string({ maxLength: 40 }),
  )
  .filter((event) => !RESERVED.has(event));

const emitted = (event: fc.Arbitrary<string>, first: fc.Arbitrary<readonly unknown[]>): fc.Arbitrary<RequestCase> =>
  fc.tuple(event, first, trailing).map(([e, args, more]) => ({ kind: 'emit', event: e, args: [...args, ...more] }));

const rawDeep: fc.Arbitrary<RequestCase> = fc
  .record({
    event: fc.constantFrom('subscribe', 'unsubscribe', 'sources.list', 'no-such-event'),
    depth: fc.oneof(fc.integer({ min: 2, max: LIMITS.maxPayloadDepth + 2 }), fc.integer({ min: LIMITS.maxPayloadDepth + 1, max: 20_000 })),
    where: fc.constantFrom('selector', 'resume', 'id', 'argument', 'array'),
  })
  .map(({ event, depth, where }) => {
    const argsJson = {
      selector: [`{"source":"${SOURCE}","selector":${nestedJson(depth - 1)}}`],
      resume: [`{"source":"${SOURCE}","resume":${nestedJson(depth - 1, 'team-a/checkout-api/api')}}`],
      id: [`{"id":${nestedJson(depth - 1, 'id')}}`],
      argument: ['{}', nestedJson(depth)],
      array: [`${'['.repeat(depth)}${']'.repeat(depth)}`],
    }[where];
    return { kind: 'raw', event, argsJson, depth };
  });

/** One generated request. */
export const requestCase: fc.Arbitrary<RequestCase> = fc
  .oneof(
    {
      weight: 3,
      arbitrary: emitted(
        fc.constant('subscribe'),
        plausibleSubscribe.map((r) => [r]),
      ),
    },
    {
      weight: 6,
      arbitrary: emitted(
        fc.constant('subscribe'),
        fc.oneof(anySubscribe, anything).map((r) => [r]),
      ),
    },
    {
      weight: 3,
      arbitrary: emitted(
        fc.constant('unsubscribe'),
        fc.oneof(fc.record({ id: fc.oneof(fc.string({ maxLength: 80 }), json) }), anything).map((r) => [r]),
      ),
    },
    {
      weight: 2,
      arbitrary: emitted(
        fc.constant('sources.list'),
        fc.oneof(
          fc.constant([]),
          fc.constant([{}]),
          anything.map((r) => [r]),
        ),
      ),
    },
    { weight: 1, arbitrary: emitted(fc.constantFrom(...CLIENT_EVENTS), fc.constant([])) },
    {
      weight: 2,
      arbitrary: emitted(
        unknownEvent,
        fc.oneof(
          fc.constant([]),
          anything.map((r) => [r]),
        ),
      ),
    },
    { weight: 2, arbitrary: rawDeep },
    // Without an acknowledgement; never a subscribe that could succeed (its subscription would outlive the run).
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.oneof(unknownEvent, fc.constantFrom('unsubscribe', 'sources.list', 'subscribe')),
          json.filter((v) => typeof v !== 'object' || v === null),
        )
        .map(([event, arg]): RequestCase => ({ kind: 'no-ack', event, args: [arg] })),
    },
  )
  .map(printable);

/** What is wrong with the acknowledgement of `request`, or undefined. The ack's exact shape is the leak oracle's to check. */
export function ackProblem(request: RequestCase, ack: unknown): string | undefined {
  if (typeof ack !== 'object' || ack === null) return `acknowledged with ${JSON.stringify(ack)}`;
  const known = (CLIENT_EVENTS as readonly string[]).includes(request.event);
  const answer = ack as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  const mustRefuse = !known || (request.kind === 'raw' && request.depth > LIMITS.maxPayloadDepth) || hasBadSince(request);
  if (answer.ok === true) return mustRefuse ? 'accepted a request it must refuse' : undefined;
  if (answer.ok !== false) return 'an acknowledgement without ok';
  const code = answer.error?.code;
  if (!(ERROR_CODES as readonly unknown[]).includes(code)) return `undocumented error code ${JSON.stringify(code)}`;
  if (code === 'internal') return 'internal: the gateway failed on this input';
  if (typeof answer.error?.message !== 'string' || answer.error.message === '') return 'an error without a message';
  if (mustRefuse && code !== 'invalid_request') return `refused with ${String(code)} instead of invalid_request`;
  return undefined;
}

function hasBadSince(request: RequestCase): boolean {
  if (request.kind !== 'emit' || request.event !== 'subscribe') return false;
  const since = (request.args[0] as { since?: unknown } | null)?.since;
  return typeof since === 'string' && BAD_SINCES.includes(since);
}

/** The subscription id of an accepted subscribe, to unsubscribe it after the batch. */
export function acceptedSubscription(request: RequestCase, ack: unknown): string | undefined {
  if (request.event !== 'subscribe' || (ack as { ok?: unknown } | null)?.ok !== true) return undefined;
  const id = (ack as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}
