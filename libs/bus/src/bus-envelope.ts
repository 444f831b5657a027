// How a message and its replay id travel together on a Redis channel: `<id>\n<message>`. The
// publish script (redis-channel-log.ts) prepends the id XADD assigned; subscribers split it off
// here. A message without that head (replay off, or published by another tool) is delivered
// whole, without an id.
import type { MessageId } from './message-ids';

const ENVELOPE_HEAD = /^\d{1,16}-\d{1,20}\n/;

export interface OpenedEnvelope {
  readonly id: MessageId | undefined;
  readonly message: string;
}

export function openEnvelope(raw: string): OpenedEnvelope {
  const head = ENVELOPE_HEAD.exec(raw.slice(0, 40));
  if (head === null) return { id: undefined, message: raw };
  return { id: head[0].slice(0, -1), message: raw.slice(head[0].length) };
}
