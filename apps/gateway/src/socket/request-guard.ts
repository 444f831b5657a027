// Every packet a client sends on /logs passes here before any handler: an event the protocol
// does not define, or an argument nested deeper than LIMITS.maxPayloadDepth, is answered with
// `invalid_request` (when the client asked for an acknowledgement) and goes no further.
import { CLIENT_EVENTS, errorAck, LIMITS, type WireError } from '@tailgate/contracts';

import type { LogsSocket } from '../wire/logs-socket';
import { exceedsDepth } from './payload-depth';

const KNOWN_EVENTS: ReadonlySet<unknown> = new Set(CLIENT_EVENTS);

/** What is wrong with a decoded packet (`[event, ...args, ack?]`), or undefined when it may go on. */
export function checkRequestPacket(packet: readonly unknown[]): WireError | undefined {
  const [event, ...args] = packet;
  if (!KNOWN_EVENTS.has(event)) {
    return { code: 'invalid_request', message: `unknown event; the requests are ${CLIENT_EVENTS.join(', ')}` };
  }
  if (args.some((arg) => exceedsDepth(arg, LIMITS.maxPayloadDepth))) {
    return { code: 'invalid_request', message: `request nested deeper than ${LIMITS.maxPayloadDepth} levels` };
  }
  return undefined;
}

/** Runs every packet of `socket` through checkRequestPacket before any handler sees it. */
export function guardRequests(socket: LogsSocket): void {
  socket.use(guardPacket);
}

/** A decoded packet as Socket.IO hands it to a socket's middleware. */
type Packet = Parameters<Parameters<LogsSocket['use']>[0]>[0];

/** One middleware for every socket: a closure per socket would cost memory on every connection. */
function guardPacket(packet: Packet, next: (error?: Error) => void): void {
  const error = checkRequestPacket(packet);
  if (!error) return next();
  const ack: unknown = packet.at(-1);
  if (typeof ack === 'function') (ack as (answer: unknown) => void)(errorAck(error));
}
