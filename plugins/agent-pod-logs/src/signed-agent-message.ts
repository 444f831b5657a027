// How an agent signs what it publishes and how a gateway checks it before reading a byte of the
// body. A signed message is one header line and the body exactly as it was encoded:
//
//   tgs1 <node> <epoch> <seq> <mac>\n<body>
//
// mac = base64url(HMAC-SHA256(key(node, epoch), "<channel>\n<node>\n<epoch>\n<seq>\n<body>")). The
// channel is in the MAC, so a message cannot be replayed onto another stream run's channel (each
// run has a random one); the epoch bounds how long a captured message is worth anything; `seq`
// grows with every message of an agent process, so a gateway refuses a message it already took on
// that channel. The node is the one the key was issued for: a key of node A cannot sign for B.
// The agent process seals into bytes (sealAgentMessageBytes): the body is encoded to UTF-8 once,
// the MAC is computed over those bytes and they are published as they are; a gateway receives the
// same bytes as a string, whose UTF-8 encoding they are, so both forms open alike.
import { createHmac, timingSafeEqual } from 'node:crypto';

import type { AgentSessionKeys } from './agent-session-keys';

const MAGIC = 'tgs1 ';
const NODE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NUMBER = /^\d{1,16}$/;
const MAC = /^[A-Za-z0-9_-]{43}$/;
/** Longest header: magic, a 253-character node, two numbers and a MAC with their spaces. */
const MAX_HEADER = MAGIC.length + 253 + 17 + 17 + 44 + 1;

/** Why a gateway refused a message before parsing it. */
export type MessageRefusalReason =
  /** No signature header (or a malformed one). */
  | 'unsigned'
  /** The MAC does not match the body, channel, node, epoch and sequence. */
  | 'bad_signature'
  /** Signed with a key of an epoch no longer accepted. */
  | 'expired_key'
  /** A sequence number at or below one already taken on this channel from that node. */
  | 'replayed';

export type OpenedMessage =
  { readonly ok: true; readonly node: string; readonly body: string } | { readonly ok: false; readonly reason: MessageRefusalReason };

/** Characters of a MAC in base64url. */
const MAC_LENGTH = 43;

function mac(key: Buffer, channel: string, node: string, epoch: number, seq: number, body: string | Buffer): Buffer {
  return createHmac('sha256', key).update(`${channel}\n${node}\n${epoch}\n${seq}\n`).update(body).digest();
}

/** The signed form of `body`, published on `channel`. */
export function sealAgentMessage(key: Buffer, channel: string, node: string, epoch: number, seq: number, body: string): string {
  return `${MAGIC}${node} ${epoch} ${seq} ${mac(key, channel, node, epoch, seq, body).toString('base64url')}\n${body}`;
}

/** The same signed message as sealAgentMessage, as its UTF-8 bytes, built in one buffer. */
export function sealAgentMessageBytes(key: Buffer, channel: string, node: string, epoch: number, seq: number, body: string): Buffer {
  const head = `${MAGIC}${node} ${epoch} ${seq} `;
  const bodyAt = head.length + MAC_LENGTH + 1;
  const bodyBytes = Buffer.byteLength(body);
  const message = Buffer.allocUnsafe(bodyAt + bodyBytes);
  // As many bytes as characters: ASCII, copied byte for byte (latin1) instead of encoded.
  message.write(body, bodyAt, bodyBytes, bodyBytes === body.length ? 'latin1' : 'utf8');
  const signature = mac(key, channel, node, epoch, seq, message.subarray(bodyAt)).toString('base64url');
  message.write(`${head}${signature}\n`, 0, bodyAt, 'latin1');
  return message;
}

/**
 * Checks one message received on `channel`. `lastSeq` holds, per node, the highest sequence taken
 * on this channel (one map per subscription); it moves only for a message whose MAC is good.
 */
export function openAgentMessage(keys: AgentSessionKeys, channel: string, raw: string, lastSeq: Map<string, number>): OpenedMessage {
  if (!raw.startsWith(MAGIC)) return { ok: false, reason: 'unsigned' };
  const end = raw.indexOf('\n');
  if (end < 0 || end > MAX_HEADER) return { ok: false, reason: 'unsigned' };
  const [node, epochText, seqText, macText, ...rest] = raw.slice(MAGIC.length, end).split(' ');
  if (node === undefined || epochText === undefined || seqText === undefined || macText === undefined || rest.length > 0)
    return { ok: false, reason: 'unsigned' };
  if (node.length > 253 || !NODE.test(node) || !NUMBER.test(epochText) || !NUMBER.test(seqText) || !MAC.test(macText))
    return { ok: false, reason: 'unsigned' };
  const epoch = Number(epochText);
  const seq = Number(seqText);
  if (!keys.accepts(epoch)) return { ok: false, reason: 'expired_key' };
  const body = raw.slice(end + 1);
  const expected = mac(keys.key(node, epoch), channel, node, epoch, seq, body);
  if (!timingSafeEqual(expected, Buffer.from(macText, 'base64url'))) return { ok: false, reason: 'bad_signature' };
  const last = lastSeq.get(node);
  if (last !== undefined && seq <= last) return { ok: false, reason: 'replayed' };
  lastSeq.set(node, seq);
  return { ok: true, node, body };
}
