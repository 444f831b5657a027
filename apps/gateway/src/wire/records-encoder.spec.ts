import { recordsEvent, type WireRecord } from '@tailgate/contracts';
import { Decoder, Encoder, PacketType } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';

import { encodeOnce, encodeWithBatch, RecordsEncoder } from './records-encoder';

const record = (line: string): WireRecord => ({
  ts: '2026-12-07T10:00:00.000000001Z',
  ns: 'team-a',
  pod: 'checkout-api',
  container: 'app',
  stream: 'stdout',
  line,
  cursor: '01765101600000000001-0000000000',
});

const decode = (frame: string): unknown => {
  const decoder = new Decoder();
  let packet: unknown;
  decoder.on('decoded', (decoded: unknown) => (packet = decoded));
  decoder.add(frame);
  return packet;
};

describe('RecordsEncoder', () => {
  const batch = [record('plain'), record('quotes " and \\ and \u2028 and émoji 🚀'), record('')];

  it('writes a records event as exactly the frame the default encoder writes', () => {
    for (const nsp of ['/logs', '/']) {
      const packet = { type: PacketType.EVENT, nsp, data: ['records', recordsEvent('sub-1', batch)] };
      const frames = new RecordsEncoder().encode(packet);
      expect(frames).toEqual(new Encoder().encode(packet));
      expect(decode(frames[0] as string)).toEqual(packet);
    }
  });

  it('writes a payload serialised once for several rooms as the same frame, each time', () => {
    const payload = recordsEvent('sub-1', batch);
    encodeOnce(payload);
    const packet = { type: PacketType.EVENT, nsp: '/logs', data: ['records', payload] };
    const encoder = new RecordsEncoder();
    expect(encoder.encode(packet)).toEqual(new Encoder().encode(packet));
    expect(encoder.encode(packet)).toEqual(new Encoder().encode(packet));
  });

  it("writes a payload given its batch's JSON (as it arrived on the bus) as the same frame", () => {
    const payload = recordsEvent('sub "1"', batch);
    encodeWithBatch(payload, JSON.stringify(batch));
    const packet = { type: PacketType.EVENT, nsp: '/logs', data: ['records', payload] };
    expect(new RecordsEncoder().encode(packet)).toEqual(new Encoder().encode(packet));
  });

  it('leaves every other packet to the default encoder: other events, acknowledgements, binary', () => {
    const packets = [
      { type: PacketType.EVENT, nsp: '/logs', data: ['target', { sub: 's', op: 'added', target: { ns: 'a', pod: 'b', container: 'c' } }] },
      { type: PacketType.ACK, nsp: '/logs', id: 3, data: [{ ok: true, id: 's' }] },
      { type: PacketType.EVENT, nsp: '/logs', id: 4, data: ['records', recordsEvent('s', batch)] },
      { type: PacketType.EVENT, nsp: '/logs', data: ['records', Buffer.from('binary')] },
      { type: PacketType.CONNECT, nsp: '/logs', data: { sid: 'x' } },
    ];
    for (const packet of packets) expect(new RecordsEncoder().encode(packet)).toEqual(new Encoder().encode(packet));
  });
});
