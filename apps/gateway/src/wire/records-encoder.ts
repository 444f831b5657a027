// Socket.IO's packet encoder with one shortcut: a `records` event is written without the walk
// that looks for binary attachments through every record of the batch (records are strings only),
// straight to the same text frame the default encoder writes. Every other packet goes through the
// default encoder unchanged. A broadcast is encoded once per room emit, so this runs once per
// permission class and batch.
import type { RecordsEvent, ServerToClientEvents } from '@tailgate/contracts';
import { Decoder, Encoder, PacketType, protocol } from 'socket.io-parser';

interface Packet {
  readonly type: PacketType;
  readonly nsp: string;
  readonly data?: unknown;
  readonly id?: number;
}

/** Payloads emitted to several rooms, with their JSON (see encodeOnce). */
const encodedPayloads = new WeakMap<object, string>();

/**
 * Serialises a records payload now, once, for every room it is about to be emitted to (classes
 * that may read a whole batch share one payload); the encoder then writes that text.
 */
export function encodeOnce(payload: RecordsEvent): void {
  encodedPayloads.set(payload, JSON.stringify(payload));
}

/**
 * Gives a records payload its JSON from its batch's JSON, already at hand (a batch as it arrived
 * on the bus): `batchJson` must be the JSON of `payload.batch`.
 */
export function encodeWithBatch(payload: RecordsEvent, batchJson: string): void {
  encodedPayloads.set(payload, `{"sub":${JSON.stringify(payload.sub)},"batch":${batchJson}}`);
}

export class RecordsEncoder extends Encoder {
  override encode(packet: Packet): ReturnType<Encoder['encode']> {
    if (packet.type === PacketType.EVENT && packet.id === undefined && isRecordsEvent(packet.data)) {
      const nsp = packet.nsp !== '/' ? `${packet.nsp},` : '';
      const payload = (packet.data as [string, RecordsEvent])[1];
      const json = encodedPayloads.get(payload) ?? JSON.stringify(payload);
      return [`${PacketType.EVENT}${nsp}["${RECORDS_EVENT}",${json}]`];
    }
    return super.encode(packet);
  }
}

const RECORDS_EVENT = 'records' satisfies keyof ServerToClientEvents;

/** `['records', {sub, batch}]` as the gateway builds it: a plain payload of a string and an array of records. */
function isRecordsEvent(data: unknown): boolean {
  if (!Array.isArray(data) || data.length !== 2 || data[0] !== RECORDS_EVENT) return false;
  const payload = data[1] as { sub?: unknown; batch?: unknown } | null;
  return (
    typeof payload === 'object' &&
    payload !== null &&
    Object.getPrototypeOf(payload) === Object.prototype &&
    typeof payload.sub === 'string' &&
    Array.isArray(payload.batch)
  );
}

/** The `parser` option of the Socket.IO server: the default decoder, the records-aware encoder. */
export const recordsParser = { protocol, PacketType, Encoder: RecordsEncoder, Decoder };
