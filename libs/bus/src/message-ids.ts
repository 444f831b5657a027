// Ids of the messages in a channel's replay buffer. They are Redis stream ids (`<ms>-<seq>`): the
// Redis bus gets them from XADD, the in-process bus mints the same shape, so callers compare and
// store them alike whatever the bus.
import { InvalidMessageIdError } from './log-bus-errors';

/** `<milliseconds>-<sequence>`, e.g. `1718000000000-0`; later messages of one channel have greater ids. */
export type MessageId = string;

const MESSAGE_ID = /^(\d{1,16})-(\d{1,20})$/;

/** True for a well-formed id; says nothing about whether a bus still holds that message. */
export function isMessageId(value: string): boolean {
  return MESSAGE_ID.test(value);
}

/** Negative, zero or positive as `a` is older than, the same as, or newer than `b`. Throws on a malformed id. */
export function compareMessageIds(a: MessageId, b: MessageId): number {
  const [aMs, aSeq] = parts(a);
  const [bMs, bSeq] = parts(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

export function formatMessageId(ms: number, seq: number): MessageId {
  return `${ms}-${seq}`;
}

/** Throws `InvalidMessageIdError` unless `value` is a well-formed id. */
export function assertMessageId(value: string): void {
  if (!isMessageId(value)) throw new InvalidMessageIdError(value);
}

function parts(id: MessageId): [bigint, bigint] {
  const match = MESSAGE_ID.exec(id);
  if (match === null) throw new InvalidMessageIdError(id);
  return [BigInt(match[1] ?? '0'), BigInt(match[2] ?? '0')];
}
