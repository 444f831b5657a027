// Everything the server sends is parsed here, strictly, with the contract's schemas: events,
// acknowledgements and the data of a refused connection. What does not parse never reaches the
// caller; the connection reports it as an `internal` error instead.
import { ACK_SCHEMAS, ConnectErrorDataSchema, SERVER_EVENT_SCHEMAS } from '@tailgate/contracts';

import { TailgateError } from './tailgate-error';

type EventSchemas = typeof SERVER_EVENT_SCHEMAS;
export type ServerEventName = keyof EventSchemas;
/** What a schema's `parse` returns (the contract's types, without naming zod here). */
type Parsed<S extends { parse(input: unknown): unknown }> = ReturnType<S['parse']>;
export type ServerEvent = { [K in ServerEventName]: { readonly name: K; readonly event: Parsed<EventSchemas[K]> } }[ServerEventName];

export type RequestName = keyof typeof ACK_SCHEMAS;
type AckOf<R extends RequestName> = Parsed<(typeof ACK_SCHEMAS)[R]>;
/** The success half of an acknowledgement. */
export type AckResult<R extends RequestName> = Extract<AckOf<R>, { ok: true }>;

const isServerEventName = (name: string): name is ServerEventName => Object.hasOwn(SERVER_EVENT_SCHEMAS, name);

/**
 * A server event, parsed; `ignored` for an event this client does not know (the protocol may add
 * optional events), `malformed` for a known one that does not match its schema.
 */
export function readServerEvent(name: string, payload: unknown): ServerEvent | 'ignored' | 'malformed' {
  if (!isServerEventName(name)) return 'ignored';
  const parsed = SERVER_EVENT_SCHEMAS[name].safeParse(payload);
  return parsed.success ? ({ name, event: parsed.data } as ServerEvent) : 'malformed';
}

/** An acknowledgement: its success, a TailgateError with the server's code, or `malformed`. */
export function readAck<R extends RequestName>(request: R, raw: unknown): AckResult<R> | TailgateError | 'malformed' {
  const parsed = ACK_SCHEMAS[request].safeParse(raw);
  if (!parsed.success) return 'malformed';
  const ack = parsed.data as AckOf<R>;
  if (ack.ok) return ack as AckResult<R>;
  const { code, message, details } = (ack as Extract<AckOf<R>, { ok: false }>).error;
  return new TailgateError(code, message, details);
}

/** Why a connection attempt was refused: the server's code, or `connection_failed` for a transport error without data. */
export function readConnectError(error: unknown): TailgateError {
  const data = typeof error === 'object' && error !== null ? (error as { data?: unknown }).data : undefined;
  if (data === undefined) return new TailgateError('connection_failed', 'the gateway could not be reached');
  const parsed = ConnectErrorDataSchema.safeParse(data);
  if (!parsed.success) return new TailgateError('internal', 'the gateway refused the connection with a malformed answer');
  return new TailgateError(parsed.data.code, parsed.data.message);
}
