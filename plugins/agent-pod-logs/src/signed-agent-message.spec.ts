import { describe, expect, it } from 'vitest';

import { AgentMessageSigner } from './agent-message-signer';
import { AgentSessionKeys } from './agent-session-keys';
import { openAgentMessage, sealAgentMessage, sealAgentMessageBytes } from './signed-agent-message';

const SECRET = Buffer.alloc(32, 7);
const CHANNEL = 'agent-pod-logs:{0123456789abcdef0123456789abcdef}:batches';
const BODY = '{"v":1,"t":"records","node":"node-a","target":{"namespace":"acme","pod":"web","container":"app"},"records":[]}';

function keysAt(now: { ms: number }, secret = SECRET): AgentSessionKeys {
  return new AgentSessionKeys(secret, 60_000, () => now.ms);
}

describe('signed agent messages', () => {
  it('opens a message sealed with its node’s key of an accepted epoch, once per sequence', () => {
    const now = { ms: 10 * 60_000 };
    const keys = keysAt(now);
    const epoch = keys.epochNow();
    const sealed = sealAgentMessage(keys.key('node-a', epoch), CHANNEL, 'node-a', epoch, 5, BODY);
    const seen = new Map<string, number>();
    expect(openAgentMessage(keys, CHANNEL, sealed, seen)).toEqual({ ok: true, node: 'node-a', body: BODY });
    expect(openAgentMessage(keys, CHANNEL, sealed, seen)).toEqual({ ok: false, reason: 'replayed' });
    // Another subscription (another run) has its own sequences, but the channel is in the MAC.
    expect(openAgentMessage(keys, 'agent-pod-logs:{ffffffffffffffffffffffffffffffff}:batches', sealed, new Map())).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses an unsigned message, a changed body, a key of another node or another secret, and an expired epoch', () => {
    const now = { ms: 10 * 60_000 };
    const keys = keysAt(now);
    const epoch = keys.epochNow();
    const open = (raw: string) => openAgentMessage(keys, CHANNEL, raw, new Map());
    expect(open(BODY)).toEqual({ ok: false, reason: 'unsigned' });
    expect(open(`tgs1 node-a ${epoch} 1 short\n${BODY}`)).toEqual({ ok: false, reason: 'unsigned' });
    const sealed = sealAgentMessage(keys.key('node-a', epoch), CHANNEL, 'node-a', epoch, 1, BODY);
    expect(open(sealed.replace('"records":[]', '"records":[["t","stdout","forged","c"]]'))).toEqual({ ok: false, reason: 'bad_signature' });
    // node-b's key cannot speak for node-a, nor relabel itself as node-a.
    const byB = sealAgentMessage(keys.key('node-b', epoch), CHANNEL, 'node-b', epoch, 1, BODY);
    expect(open(byB.replace('tgs1 node-b', 'tgs1 node-a'))).toEqual({ ok: false, reason: 'bad_signature' });
    const otherSecret = keysAt(now, Buffer.alloc(32, 8));
    expect(open(sealAgentMessage(otherSecret.key('node-a', epoch), CHANNEL, 'node-a', epoch, 1, BODY))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    // Accepted in its epoch and the next; refused after.
    now.ms += 60_000;
    expect(open(sealed).ok).toBe(true);
    now.ms += 60_000;
    expect(open(sealed)).toEqual({ ok: false, reason: 'expired_key' });
  });

  it('seals into the UTF-8 bytes of the string form, which open alike once received as a string (ASCII or not)', () => {
    const now = { ms: 10 * 60_000 };
    const keys = keysAt(now);
    const epoch = keys.epochNow();
    const key = keys.key('node-a', epoch);
    const wide = BODY.replace('"records":[]', '"records":[["t","stdout","é — 日本 😀 \\ud800","c"]]');
    for (const [seq, body] of [BODY, wide].entries()) {
      const bytes = sealAgentMessageBytes(key, CHANNEL, 'node-a', epoch, seq + 1, body);
      expect(bytes.equals(Buffer.from(sealAgentMessage(key, CHANNEL, 'node-a', epoch, seq + 1, body)))).toBe(true);
      expect(openAgentMessage(keys, CHANNEL, bytes.toString('utf8'), new Map())).toEqual({ ok: true, node: 'node-a', body });
    }
  });

  it('derives the same key in every replica with the same secret, and hands out sessions renewed early in the next epoch', () => {
    const now = { ms: 10 * 60_000 + 30_000 };
    const session = keysAt(now).sessionFor('node-a');
    expect(session).toMatchObject({ node: 'node-a', epoch: 10, expiresAt: 12 * 60_000, renewAt: 11 * 60_000 + 5_000 });
    expect(keysAt(now).key('node-a', 10).toString('base64url')).toBe(session.key);
    expect(keysAt(now).key('node-b', 10).toString('base64url')).not.toBe(session.key);
  });

  it('signs with a growing sequence and refuses to sign without a session', () => {
    const now = { ms: 10 * 60_000 };
    const keys = keysAt(now);
    const held: { key?: { node: string; epoch: number; key: Buffer } } = {};
    const signer = new AgentMessageSigner(
      () => held.key,
      () => 1_000,
    );
    expect(() => signer.sign(CHANNEL, BODY)).toThrow(/no agent session/);
    held.key = { node: 'node-a', epoch: 10, key: keys.key('node-a', 10) };
    const seen = new Map<string, number>();
    const first = signer.sign(CHANNEL, BODY);
    const second = signer.sign(CHANNEL, BODY);
    // The clock in µs, then one more per message within the same µs.
    expect([first.split(' ')[3], second.split(' ')[3]]).toEqual(['1000000', '1000001']);
    expect(openAgentMessage(keys, CHANNEL, first, seen).ok).toBe(true);
    expect(openAgentMessage(keys, CHANNEL, second, seen).ok).toBe(true);
    // The byte form takes the next sequence of the same signer.
    const third = signer.signBytes(CHANNEL, BODY).toString('utf8');
    expect(third.split(' ')[3]).toBe('1000002');
    expect(openAgentMessage(keys, CHANNEL, third, seen).ok).toBe(true);
  });
});
