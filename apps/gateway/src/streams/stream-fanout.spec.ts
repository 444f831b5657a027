// The fan-out's cost model: one emit per permission class per batch, never one per listener.
import { InProcessLogBus } from '@tailgate/bus';
import type { PluginRegistry } from '@tailgate/plugin-host';
import { silentLogger, type Subject, type TargetRef } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import type { AccessService } from '../access/access.service';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { LogsNamespace, LogsSocket } from '../socket/logs-socket';
import { encodeBusMessage } from './bus-message';
import type { StreamDescriptor } from './stream-descriptor';
import { StreamFanout } from './stream-fanout';
import type { ListenerRequest } from './stream-listener';
import { PASS } from './target-access';

interface Emitted {
  readonly to: string;
  readonly event: string;
  readonly payload: unknown;
}

function fakeSocket(id: string, user: string, direct: Emitted[]) {
  const rooms = new Set<string>();
  const socket = {
    id,
    rooms,
    data: { subject: { user, groups: [] }, subscriptions: new Set<string>(), token: 't' },
    emit: (event: string, payload: unknown) => direct.push({ to: id, event, payload }),
    join: (room: string) => void rooms.add(room),
    leave: (room: string) => void rooms.delete(room),
  };
  return socket as unknown as LogsSocket & { rooms: Set<string> };
}

/** Alice and Carol may read pod `a`; Bob may read nothing. */
const access = {
  decideTarget: (subject: Subject, target: TargetRef) =>
    Promise.resolve(
      subject.user !== 'bob' && target.pod === 'a'
        ? { result: 'allow', conditions: [], decidedBy: ['t'] }
        : { result: 'deny', reason: 'not yours', decidedBy: ['t'] },
    ),
} as unknown as AccessService;

describe('StreamFanout', () => {
  const bus = new InProcessLogBus();

  it('emits each batch once per permission class room, with the records that class may see', async () => {
    const roomEmits: Emitted[] = [];
    const direct: Emitted[] = [];
    const namespace = {
      local: { to: (room: string) => ({ emit: (event: string, payload: unknown) => roomEmits.push({ to: room, event, payload }) }) },
    } as unknown as LogsNamespace;
    const stream = { id: 's_test', key: 'k', source: { id: 'x.y' }, selector: {} } as unknown as StreamDescriptor;
    const fanout = new StreamFanout(stream, {
      bus,
      channel: 'tailgate:test:records',
      access,
      rules: new Map() as PluginRegistry['recordRules'],
      namespace,
      metrics: new GatewayMetrics(),
      logger: silentLogger,
      maxBatchRecords: 100,
      onListenerRemoved: () => undefined,
      onIdle: () => undefined,
    });
    await fanout.start();
    const sockets = [fakeSocket('1', 'alice', direct), fakeSocket('2', 'carol', direct), fakeSocket('3', 'bob', direct)];
    for (const socket of sockets) {
      const request: ListenerRequest = {
        socket,
        subject: socket.data.subject,
        scopePredicate: PASS,
        scopeSignature: '',
        backlog: undefined,
        follow: true,
      };
      await fanout.activate(fanout.register(request), request);
    }
    const record = (pod: string, line: string) => ({
      ts: 't',
      ns: 'n',
      pod,
      container: 'c',
      stream: 'stdout' as const,
      line,
      cursor: line,
    });
    await bus.publish(
      'tailgate:test:records',
      encodeBusMessage({ t: 'target', op: 'added', target: { ns: 'n', pod: 'a', container: 'c' } }),
    );
    await bus.publish(
      'tailgate:test:records',
      encodeBusMessage({ t: 'target', op: 'added', target: { ns: 'n', pod: 'b', container: 'c' } }),
    );
    for (let i = 0; i < 10; i++) {
      await bus.publish('tailgate:test:records', encodeBusMessage({ t: 'records', records: [record('a', `${i}a`), record('b', `${i}b`)] }));
    }
    await expect.poll(() => roomEmits.length).toBe(10);
    await new Promise((resolve) => setImmediate(resolve));

    expect(roomEmits.length).toBe(10);
    const rooms = new Set(roomEmits.map((e) => e.to));
    expect(rooms.size).toBe(1);
    const [room] = rooms;
    expect(sockets[0]!.rooms.has(room!) && sockets[1]!.rooms.has(room!)).toBe(true);
    expect(sockets[2]!.rooms.has(room!)).toBe(false);
    for (const emit of roomEmits) expect((emit.payload as { batch: { pod: string }[] }).batch.map((r) => r.pod)).toEqual(['a']);
    expect(direct.filter((e) => e.event === 'records')).toEqual([]);
    expect(
      direct
        .filter((e) => e.event === 'denied')
        .map((e) => e.to)
        .sort(),
    ).toEqual(['1', '2', '3', '3']);
    await fanout.close();
  });

  it('learns a target from its first record when it joined a stream after the target was announced', async () => {
    const roomEmits: Emitted[] = [];
    const direct: Emitted[] = [];
    const namespace = {
      local: { to: (room: string) => ({ emit: (event: string, payload: unknown) => roomEmits.push({ to: room, event, payload }) }) },
    } as unknown as LogsNamespace;
    const stream = { id: 's_late', key: 'late', source: { id: 'x.y' }, selector: {} } as unknown as StreamDescriptor;
    const fanout = new StreamFanout(stream, {
      bus,
      channel: 'tailgate:late:records',
      access,
      rules: new Map() as PluginRegistry['recordRules'],
      namespace,
      metrics: new GatewayMetrics(),
      logger: silentLogger,
      maxBatchRecords: 100,
      onListenerRemoved: () => undefined,
      onIdle: () => undefined,
    });
    await fanout.start();
    const alice = fakeSocket('1', 'alice', direct);
    const request: ListenerRequest = {
      socket: alice,
      subject: alice.data.subject,
      scopePredicate: PASS,
      scopeSignature: '',
      backlog: undefined,
      follow: true,
    };
    await fanout.activate(fanout.register(request), request);
    const record = { ts: 't', ns: 'n', pod: 'a', container: 'c', node: 'k', stream: 'stdout' as const, line: 'first', cursor: '1' };
    await bus.publish('tailgate:late:records', encodeBusMessage({ t: 'records', records: [record] }));
    await expect.poll(() => roomEmits.length).toBe(1);
    expect(direct.filter((e) => e.event === 'target').map((e) => e.payload)).toEqual([
      { sub: 's_late', op: 'added', target: { ns: 'n', pod: 'a', container: 'c', node: 'k' } },
    ]);
    expect((roomEmits[0]!.payload as { batch: unknown[] }).batch).toEqual([record]);
    await fanout.close();
  });
});
