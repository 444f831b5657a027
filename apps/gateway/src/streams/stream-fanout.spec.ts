// The fan-out's cost model: one emit per permission class per batch, never one per listener.
import type { AuditEventDraft, AuditRecorder } from '@tailgate/audit';
import type { RecordOrder, WireRecord } from '@tailgate/contracts';
import {
  type ConnectionState,
  InProcessLogBus,
  type MessageHandler,
  type MessageId,
  type ReplayableLogBus,
  type ReplayResult,
  type Unsubscribe,
} from '@tailgate/bus';
import type { PluginRegistry } from '@tailgate/plugin-host';
import { type BacklogOptions, type LogRecord, pagesOf, silentLogger, type Subject, type TargetRef } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import type { AccessService } from '../access/access.service';
import { type ListenerAudit, RecordingListenerAudit, UNAUDITED } from '../audit/listener-audit';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { LogsNamespace, LogsSocket } from '../wire/logs-socket';
import { type BusMessage, encodeBusMessage } from '../model/bus-message';
import type { StreamDescriptor } from '../model/stream-descriptor';
import { NO_MASK, type RecordMask, recordMask } from './record-mask';
import { StreamFanout } from './stream-fanout';
import type { ListenerRequest } from './stream-listener';
import { PASS } from './target-access';

interface Emitted {
  readonly to: string;
  /** A room the broadcast left out. */
  readonly except?: string;
  readonly event: string;
  readonly payload: unknown;
}

/** What the fan-out reads of an Engine.IO connection (socket/outstanding-bytes.ts). */
interface FakeConn {
  readonly transport: { writable: boolean };
  readonly writeBuffer: { data: string }[];
}

const connOf = (socket: LogsSocket) => socket.conn as unknown as FakeConn;

type FakeSocket = LogsSocket & { rooms: Set<string> };

function fakeSocket(id: string, user: string, direct: Emitted[]): FakeSocket {
  const rooms = new Set<string>();
  const socket = {
    id,
    rooms,
    data: {
      subject: { user, groups: [] },
      subscriptions: new Set<string>(),
      token: 't',
      listenerBufferBytes: 1024 * 1024,
      queuedBytes: { capBytes: 8 * 1024 * 1024, usedBytes: 0 },
    },
    // An Engine.IO connection with nothing waiting to be written.
    conn: { transport: { writable: true }, writeBuffer: [] },
    disconnected: false,
    emit: (event: string, payload: unknown) => direct.push({ to: id, event, payload }),
    disconnect: () => {
      socket.disconnected = true;
      direct.push({ to: id, event: 'disconnect', payload: undefined });
    },
    join: (room: string) => void rooms.add(room),
    leave: (room: string) => void rooms.delete(room),
  };
  return socket as unknown as FakeSocket;
}

/** Alice and Carol may read pod `a` and list the pods of `n`; Bob may read nothing and list nothing. */
const access = {
  mayListTargets: (subject: Subject) => Promise.resolve(subject.user !== 'bob'),
  decideTarget: (subject: Subject, target: TargetRef) =>
    Promise.resolve(
      subject.user !== 'bob' && target.pod === 'a'
        ? { result: 'allow', conditions: [], decidedBy: ['t'] }
        : { result: 'deny', reason: 'not yours', decidedBy: ['t'] },
    ),
} as unknown as AccessService;

const linesOf = (payload: unknown) => (payload as { batch: WireRecord[] }).batch.map((r) => r.line);

const record = (pod: string, line: string): WireRecord => ({ ts: 't', ns: 'n', pod, container: 'c', stream: 'stdout', line, cursor: line });

interface ListenOptions {
  readonly order?: RecordOrder;
  readonly backlog?: BacklogOptions;
  /** Pods (`<ns>/<pod>`) the subscription named exactly. */
  readonly namedPods?: readonly string[];
  /** Default true. */
  readonly follow?: boolean;
  /** The connection starts with more than its buffer waiting to be written. */
  readonly full?: boolean;
  /** `listenerBufferBytes` of the connection; default 1 MiB. */
  readonly bufferBytes?: number;
  /** Its audited reads; default none. */
  readonly audit?: ListenerAudit;
  /** Its redaction; default none. */
  readonly mask?: RecordMask;
}

/** More than a connection's buffer waits to be written to it. */
function fill(socket: LogsSocket): void {
  connOf(socket).transport.writable = false;
  connOf(socket).writeBuffer.push({ data: 'x'.repeat(socket.data.listenerBufferBytes + 1) });
}

/** The connection wrote everything. */
function drain(socket: LogsSocket): void {
  connOf(socket).writeBuffer.length = 0;
  connOf(socket).transport.writable = true;
}

/**
 * An in-process bus whose connection the test drops: while `lost`, messages never reach the
 * subscriber (they are still published and kept for replay); `down`/`up` are reported when told.
 */
class InterruptibleBus implements ReplayableLogBus {
  lost = false;
  private readonly watchers = new Set<(state: ConnectionState) => void>();

  constructor(private readonly inner: InProcessLogBus) {}

  publish(channel: string, message: string): Promise<void> {
    return this.inner.publish(channel, message);
  }

  subscribe(channel: string, onMessage: MessageHandler): Promise<Unsubscribe> {
    return this.inner.subscribe(channel, (message, id) => {
      if (!this.lost) onMessage(message, id);
    });
  }

  replay(channel: string, afterId?: MessageId): Promise<ReplayResult> {
    return this.inner.replay(channel, afterId);
  }

  report(state: ConnectionState): void {
    for (const watcher of this.watchers) watcher(state);
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    this.watchers.add(listener);
    return () => this.watchers.delete(listener);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

interface HarnessOptions {
  readonly reorderWindowMs?: number;
  readonly backlog?: readonly LogRecord[];
  /** The source reads back after cursors (and its backlog honours `after`, cursors compared as strings). */
  readonly resumable?: boolean;
  /** Messages the bus's replay buffer keeps per channel. */
  readonly replayMessages?: number;
  /** The source's backlog answers only once this settles. */
  readonly backlogGate?: Promise<void>;
  /** Records per backlog page. */
  readonly pageRecords?: number;
  /** The backlog's first page is read only once this settles (its targets are known before). */
  readonly pagesGate?: Promise<void>;
  readonly drainTimeoutMs?: number;
}

/** A fan-out on an in-process bus whose namespace records every room emit; its source's backlog is `backlog`. */
async function harness(name: string, options: HarnessOptions = {}) {
  const bus = new InterruptibleBus(
    new InProcessLogBus(options.replayMessages === undefined ? {} : { replay: { maxMessages: options.replayMessages } }),
  );
  const channel = `tailgate:${name}:records`;
  const roomEmits: Emitted[] = [];
  const direct: Emitted[] = [];
  const namespace = {
    local: {
      to: (room: string) => ({
        emit: (event: string, payload: unknown) => roomEmits.push({ to: room, event, payload }),
        except: (except: string) => ({ emit: (event: string, payload: unknown) => roomEmits.push({ to: room, except, event, payload }) }),
      }),
    },
  } as unknown as LogsNamespace;
  const backlogCalls: BacklogOptions[] = [];
  /** Backlog pages the source was asked for, in all. */
  let pagesRead = 0;
  async function* countPages(pages: AsyncIterable<readonly LogRecord[]>): AsyncGenerator<readonly LogRecord[]> {
    await options.pagesGate;
    for await (const page of pages) {
      pagesRead++;
      yield page;
    }
  }
  const source = {
    resumable: options.resumable === true,
    backlog: async (_selector: unknown, backlog: BacklogOptions) => {
      backlogCalls.push(backlog);
      await options.backlogGate;
      const after = backlog.after;
      const records = (options.backlog ?? []).filter((r) => {
        const cursor = after?.byTarget.get(`${r.target.namespace}/${r.target.pod}/${r.target.container}`) ?? after?.otherwise;
        return cursor === undefined || r.cursor > cursor;
      });
      return {
        targets: [...new Map(records.map((r) => [r.target.pod, r.target])).values()],
        pages: countPages(pagesOf(records, options.pageRecords)),
      };
    },
  };
  const stream = { id: `s_${name}`, key: name, source: { id: 'x.y', source }, selector: {} } as unknown as StreamDescriptor;
  const fanout = new StreamFanout(stream, {
    bus,
    channel,
    access,
    rules: new Map() as PluginRegistry['recordRules'],
    namespace,
    metrics: new GatewayMetrics(),
    logger: silentLogger,
    maxBatchRecords: 100,
    reorderWindowMs: options.reorderWindowMs ?? 0,
    drainTimeoutMs: options.drainTimeoutMs ?? 5_000,
    onListenerRemoved: () => undefined,
    onIdle: () => undefined,
  });
  await fanout.start();
  return {
    fanout,
    bus,
    roomEmits,
    direct,
    backlogCalls,
    pagesRead: () => pagesRead,
    /** Direct events of one socket other than records, as [event, payload]. */
    eventsOf: (id: string, event: string) => direct.filter((e) => e.to === id && e.event === event).map((e) => e.payload),
    publish: (message: BusMessage) => bus.publish(channel, encodeBusMessage(message)),
    /** Direct `records` of one socket, as lines. */
    directLines: (id: string) => direct.filter((e) => e.to === id && e.event === 'records').flatMap((e) => linesOf(e.payload)),
    listen: listenOn,
    start,
  };

  async function listenOn(id: string, user: string, listen: ListenOptions = {}): Promise<FakeSocket> {
    const { socket, activated } = start(id, user, listen);
    await activated;
    return socket;
  }

  /** A listener whose activation (its backlog) is still under way. */
  function start(id: string, user: string, listen: ListenOptions = {}): { socket: FakeSocket; activated: Promise<void> } {
    const socket = fakeSocket(id, user, direct);
    if (listen.bufferBytes !== undefined) socket.data.listenerBufferBytes = listen.bufferBytes;
    if (listen.full === true) fill(socket);
    const request: ListenerRequest = {
      socket,
      subject: socket.data.subject,
      scopePredicate: PASS,
      scopeSignature: '',
      namedPods: new Set(listen.namedPods),
      backlog: listen.backlog,
      follow: listen.follow ?? true,
      order: listen.order ?? 'source',
      audit: listen.audit ?? UNAUDITED,
      mask: listen.mask ?? NO_MASK,
    };
    return { socket, activated: fanout.activate(fanout.register(request), request) };
  }
}

describe('StreamFanout', () => {
  it('emits each batch once per permission class room, with the records that class may see', async () => {
    const { fanout, roomEmits, direct, publish, listen } = await harness('test');
    const sockets = [await listen('1', 'alice'), await listen('2', 'carol'), await listen('3', 'bob')];
    await publish({ t: 'target', op: 'added', target: { ns: 'n', pod: 'a', container: 'c' } });
    await publish({ t: 'target', op: 'added', target: { ns: 'n', pod: 'b', container: 'c' } });
    for (let i = 0; i < 10; i++) await publish({ t: 'records', records: [record('a', `${i}a`), record('b', `${i}b`)] });
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
    // Alice and Carol may list the pods of `n`: told by name. Bob may not: told only how many.
    expect(
      direct
        .filter((e) => e.event === 'denied')
        .map((e) => [e.to, e.payload])
        .sort(),
    ).toEqual([
      ['1', { sub: 's_test', target: { ns: 'n', pod: 'b', container: 'c' }, reason: 'forbidden' }],
      ['2', { sub: 's_test', target: { ns: 'n', pod: 'b', container: 'c' }, reason: 'forbidden' }],
    ]);
    expect(direct.filter((e) => e.event === 'hidden').map((e) => [e.to, e.payload])).toEqual([
      ['3', { sub: 's_test', count: 1 }],
      ['3', { sub: 's_test', count: 2 }],
    ]);
    await fanout.close();
  });

  it('names a denied pod to a listener who may not list it only when its subscription named that pod', async () => {
    const { fanout, direct, publish, listen } = await harness('named');
    await listen('1', 'bob', { namedPods: ['n/b'] });
    await publish({ t: 'target', op: 'added', target: { ns: 'n', pod: 'b', container: 'c' } });
    await publish({ t: 'target', op: 'added', target: { ns: 'n', pod: 'x', container: 'c' } });
    await expect.poll(() => direct.filter((e) => e.event === 'denied' || e.event === 'hidden').length).toBe(2);
    expect(direct.filter((e) => e.event === 'denied' || e.event === 'hidden').map((e) => [e.event, e.payload])).toEqual([
      ['denied', { sub: 's_named', target: { ns: 'n', pod: 'b', container: 'c' }, reason: 'forbidden' }],
      ['hidden', { sub: 's_named', count: 1 }],
    ]);
    await fanout.close();
  });

  it('learns a target from its first record when it joined a stream after the target was announced', async () => {
    const { fanout, roomEmits, direct, publish, listen } = await harness('late');
    await listen('1', 'alice');
    const first = { ts: 't', ns: 'n', pod: 'a', container: 'c', node: 'k', stream: 'stdout' as const, line: 'first', cursor: '1' };
    await publish({ t: 'records', records: [first] });
    await expect.poll(() => roomEmits.length).toBe(1);
    expect(direct.filter((e) => e.event === 'target').map((e) => e.payload)).toEqual([
      { sub: 's_late', op: 'added', target: { ns: 'n', pod: 'a', container: 'c', node: 'k' } },
    ]);
    expect((roomEmits[0]!.payload as { batch: unknown[] }).batch).toEqual([first]);
    await fanout.close();
  });

  it('tells each listener that could see a removed target why it ended, and no one else', async () => {
    const { fanout, direct, publish, listen } = await harness('removed');
    await listen('1', 'alice');
    await listen('3', 'bob');
    const a = { ns: 'n', pod: 'a', container: 'c' };
    await publish({ t: 'target', op: 'added', target: a });
    await publish({ t: 'target', op: 'removed', target: a, reason: 'completed' });
    await publish({ t: 'target', op: 'added', target: a });
    await publish({ t: 'target', op: 'removed', target: a });
    const removals = () => direct.filter((e) => e.event === 'target' && (e.payload as { op: string }).op === 'removed');
    await expect.poll(() => removals().length).toBe(2);
    expect(removals()).toEqual([
      { to: '1', event: 'target', payload: { sub: 's_removed', op: 'removed', target: a, reason: 'completed' } },
      { to: '1', event: 'target', payload: { sub: 's_removed', op: 'removed', target: a } },
    ]);
    await fanout.close();
  });

  it('never repeats what a resuming listener saw, even when the live stream is behind its cursor', async () => {
    const { fanout, roomEmits, publish, listen, directLines } = await harness('resume', { resumable: true });
    const alice = await listen('1', 'alice');
    await publish({ t: 'target', op: 'added', target: { ns: 'n', pod: 'a', container: 'c' } });
    await publish({ t: 'records', records: [record('a', '1')] });
    await expect.poll(() => roomEmits.length).toBe(1);
    // Carol saw up to 3 (say from a backlog read ahead of the live stream); live is at 1.
    const carol = await listen('2', 'carol', { backlog: { after: { byTarget: new Map([['n/a/c', '3']]) } } });
    await publish({ t: 'records', records: [record('a', '2'), record('a', '3'), record('a', '4')] });
    await publish({ t: 'records', records: [record('a', '5')] });
    await expect.poll(() => roomEmits.length).toBe(3);
    expect(directLines('2')).toEqual(['4']);
    // Past its floor, carol shares alice's class room.
    expect([...carol.rooms]).toEqual([...alice.rooms]);
    expect(linesOf(roomEmits[2]!.payload)).toEqual(['5']);
    await fanout.close();
  });

  it('puts a resuming listener straight into its class when the live stream is already past its cursor', async () => {
    const { fanout, roomEmits, publish, listen, directLines } = await harness('resume-passed', { resumable: true });
    const alice = await listen('1', 'alice');
    await publish({ t: 'target', op: 'added', target: { ns: 'n', pod: 'a', container: 'c' } });
    await publish({ t: 'records', records: [record('a', '1'), record('a', '2')] });
    await expect.poll(() => roomEmits.length).toBe(1);
    const carol = await listen('2', 'carol', { backlog: { after: { byTarget: new Map(), otherwise: '1' } } });
    expect([...carol.rooms]).toEqual([...alice.rooms]);
    expect(directLines('2')).toEqual([]);
    await fanout.close();
  });

  it('gives time-ordered listeners their own class room and batches merged by time', async () => {
    const { fanout, roomEmits, publish, listen } = await harness('time');
    const alice = await listen('1', 'alice');
    const carol = await listen('2', 'carol', { order: 'time' });
    const dave = await listen('4', 'dave', { order: 'time' });
    const at = (container: string, second: number): WireRecord => ({
      ts: `2024-05-01T10:00:0${second}Z`,
      ns: 'n',
      pod: 'a',
      container,
      stream: 'stdout',
      line: `${container}${second}`,
      cursor: String(second),
    });
    await publish({ t: 'records', records: [at('x', 3), at('y', 1), at('x', 4), at('y', 2)] });
    await expect.poll(() => roomEmits.length).toBe(2);
    const byRoom = new Map(roomEmits.map((e) => [e.to, linesOf(e.payload)]));
    const [aliceRoom] = alice.rooms;
    const [carolRoom] = carol.rooms;
    expect(aliceRoom).not.toBe(carolRoom);
    expect([...dave.rooms]).toEqual([carolRoom]);
    expect(byRoom.get(aliceRoom!)).toEqual(['x3', 'y1', 'x4', 'y2']);
    expect(byRoom.get(carolRoom!)).toEqual(['y1', 'y2', 'x3', 'x4']);
    await fanout.close();
  });

  it('leaves a listener whose connection is behind out of the broadcasts, then sends it what it missed in order', async () => {
    const { fanout, roomEmits, direct, publish, listen } = await harness('slow');
    const alice = await listen('1', 'alice');
    const carol = await listen('2', 'carol');
    const a = { ns: 'n', pod: 'a', container: 'c' };
    await publish({ t: 'target', op: 'added', target: a });
    await publish({ t: 'records', records: [record('a', '1')] });
    await expect.poll(() => roomEmits.length).toBe(1);
    const [classRoom] = alice.rooms;
    expect([...carol.rooms]).toEqual([classRoom]);
    const before = direct.length;
    // More than carol's cap waits to be written to her connection.
    connOf(carol).transport.writable = false;
    connOf(carol).writeBuffer.push({ data: 'x'.repeat(1024 * 1024 + 1) });
    await publish({ t: 'records', records: [record('a', '2')] });
    await publish({ t: 'target', op: 'removed', target: a });
    await expect.poll(() => roomEmits.length).toBe(2);
    const slowRoom = roomEmits[1]!.except;
    expect(roomEmits[1]!.to).toBe(classRoom);
    expect(slowRoom).toBeDefined();
    expect(carol.rooms.has(slowRoom!)).toBe(true);
    expect(linesOf(roomEmits[1]!.payload)).toEqual(['2']);
    expect(direct.slice(before).filter((e) => e.to === '2')).toEqual([]);

    connOf(carol).writeBuffer.length = 0;
    connOf(carol).transport.writable = true;
    await expect.poll(() => direct.slice(before).filter((e) => e.to === '2').length).toBe(2);
    const sent = direct.slice(before).filter((e) => e.to === '2');
    expect(sent.map((e) => e.event)).toEqual(['records', 'target']);
    expect(linesOf(sent[0]!.payload)).toEqual(['2']);
    expect(carol.rooms.has(slowRoom!)).toBe(false);
    await fanout.close();
  });

  it('tells a slow listener how many records it never got when its subscription ends', async () => {
    const { fanout, roomEmits, direct, publish, listen } = await harness('slow-end');
    await listen('1', 'alice');
    const carol = await listen('2', 'carol');
    await publish({ t: 'target', op: 'added', target: { ns: 'n', pod: 'a', container: 'c' } });
    connOf(carol).transport.writable = false;
    connOf(carol).writeBuffer.push({ data: 'x'.repeat(1024 * 1024 + 1) });
    await publish({ t: 'records', records: [record('a', '1'), record('a', '2')] });
    await publish({ t: 'records', records: [record('a', '3')] });
    await expect.poll(() => roomEmits.length).toBe(2);
    const before = direct.length;
    expect(fanout.endListener('2', 'access_revoked')).toBe(true);
    expect(direct.slice(before)).toEqual([
      { to: '2', event: 'dropped', payload: { sub: 's_slow-end', count: 3 } },
      { to: '2', event: 'ended', payload: { sub: 's_slow-end', reason: 'access_revoked' } },
    ]);
    await fanout.close();
  });

  it('counts what each listener was delivered of each target for its audited reads, broadcast or from its slow lane', async () => {
    const { fanout, roomEmits, direct, publish, listen } = await harness('audit');
    const drafts: AuditEventDraft[] = [];
    const recorder: AuditRecorder = { record: (draft) => void drafts.push(draft), close: () => Promise.resolve() };
    const auditOf = (user: string) =>
      new RecordingListenerAudit(
        recorder,
        { subject: { user, groups: [] }, connection: { sourceIPs: ['10.0.0.1'] }, logOptions: {} },
        () => new Date(),
      );
    await listen('1', 'alice', { audit: auditOf('alice') });
    const carol = await listen('2', 'carol', { audit: auditOf('carol') });
    await publish({ t: 'target', op: 'added', target: { ns: 'n', pod: 'a', container: 'c' } });
    await publish({ t: 'target', op: 'added', target: { ns: 'n', pod: 'b', container: 'c' } });
    await publish({ t: 'records', records: [record('a', '1'), record('b', 'x'), record('a', '2')] });
    await expect.poll(() => roomEmits.length).toBe(1);
    fill(carol);
    await publish({ t: 'records', records: [record('a', '3')] });
    await expect.poll(() => roomEmits.length).toBe(2);
    drain(carol);
    await expect.poll(() => direct.filter((e) => e.to === '2' && e.event === 'records').length).toBe(1);
    fanout.remove('1', 'unsubscribed');
    fanout.remove('2', 'disconnected');

    const moments = drafts.map((d) => [d.user.username, d.annotations?.['tailgate.dev/event'], d.objectRef?.name, d.responseStatus?.code]);
    expect(moments).toEqual([
      ['alice', 'subscribe', 'a', undefined],
      ['alice', 'decision', 'a', 200],
      ['carol', 'subscribe', 'a', undefined],
      ['carol', 'decision', 'a', 200],
      ['alice', 'subscribe', 'b', undefined],
      ['alice', 'decision', 'b', 403],
      ['carol', 'subscribe', 'b', undefined],
      ['carol', 'decision', 'b', 403],
      ['alice', 'stream-end', 'a', 200],
      ['carol', 'stream-end', 'a', 200],
    ]);
    const ends = drafts.filter((d) => d.annotations?.['tailgate.dev/event'] === 'stream-end');
    // Records 1, 2 and 3 of pod a: alice from the broadcasts, carol the third from her slow lane.
    expect(ends.map((d) => [d.annotations?.['tailgate.dev/records'], d.annotations?.['tailgate.dev/end-reason']])).toEqual([
      ['3', 'unsubscribed'],
      ['3', 'disconnected'],
    ]);
    expect(Number(ends[0]!.annotations?.['tailgate.dev/bytes'])).toBeGreaterThan(3 * 76);
    await fanout.close();
  });

  describe('gaps', () => {
    const a = { ns: 'n', pod: 'a', container: 'c' };
    const b = { ns: 'n', pod: 'b', container: 'c' };
    const logRecord = (pod: string, cursor: string): LogRecord => ({
      ts: 't',
      target: { namespace: 'n', pod, container: 'c' },
      stream: 'stdout',
      line: cursor,
      cursor,
    });

    it('tells each listener what a holder lost of the containers it may see, and nothing of the others', async () => {
      const { fanout, publish, listen, eventsOf, backlogCalls } = await harness('gap-counts');
      await listen('1', 'alice');
      await listen('3', 'bob');
      await publish({ t: 'target', op: 'added', target: a });
      await publish({ t: 'target', op: 'added', target: b });
      await publish({ t: 'records', records: [record('a', '1')] });
      await publish({
        t: 'gap',
        missed: [
          { target: a, count: 3 },
          { target: b, count: 2 },
        ],
      });
      await expect.poll(() => eventsOf('1', 'gap').length).toBe(1);
      expect(eventsOf('1', 'gap')).toEqual([{ sub: 's_gap-counts', reason: 'bus_interrupted', missed: [{ target: a, count: 3 }] }]);
      expect(eventsOf('3', 'gap')).toEqual([]);
      // The source cannot read back, so it was not asked.
      expect(backlogCalls).toEqual([]);
      await fanout.close();
    });

    it('tells every listener when a new holder took over a source that cannot read back', async () => {
      const { fanout, publish, listen, eventsOf } = await harness('gap-takeover');
      await listen('1', 'alice');
      await listen('3', 'bob');
      await publish({ t: 'records', records: [], fence: 1 });
      await publish({ t: 'records', records: [], fence: 2 });
      await expect.poll(() => eventsOf('3', 'gap').length).toBe(1);
      expect(eventsOf('1', 'gap')).toEqual([{ sub: 's_gap-takeover', reason: 'takeover' }]);
      await fanout.close();
    });

    it('fills a gap from a source that can resume, after the last delivered cursors, and never repeats', async () => {
      const held = ['1', '2', '3', '4', '5'].map((cursor) => logRecord('a', cursor));
      const { fanout, roomEmits, publish, listen, eventsOf, backlogCalls } = await harness('gap-fill', { resumable: true, backlog: held });
      await listen('1', 'alice');
      await publish({ t: 'target', op: 'added', target: a });
      await publish({ t: 'records', records: [record('a', '1'), record('a', '2')] });
      await publish({ t: 'gap', missed: [{ target: a, count: 2 }] });
      // The live stream goes on from where the holder is, overlapping what was read back.
      await publish({ t: 'records', records: [record('a', '4'), record('a', '5'), record('a', '6')] });
      await expect.poll(() => roomEmits.flatMap((e) => linesOf(e.payload))).toEqual(['1', '2', '3', '4', '5', '6']);
      expect(backlogCalls.map((c) => [...(c.after?.byTarget ?? [])])).toEqual([[['n/a/c', '2']]]);
      expect(eventsOf('1', 'gap')).toEqual([]);
      await fanout.close();
    });

    it('resumes a listener of a source that cannot read back from the bus replay buffer', async () => {
      const { fanout, publish, listen, directLines, eventsOf } = await harness('replay-resume');
      await listen('1', 'alice');
      await publish({ t: 'target', op: 'added', target: a });
      await publish({ t: 'records', records: [record('a', '1'), record('a', '2')] });
      await publish({ t: 'records', records: [record('a', '3'), record('b', '3b')] });
      await listen('2', 'carol', { backlog: { after: { byTarget: new Map([['n/a/c', '2']]), otherwise: '2' } } });
      expect(directLines('2')).toEqual(['3']);
      expect(eventsOf('2', 'gap')).toEqual([]);
      await fanout.close();
    });

    it('says where a resume reaches back further than the replay buffer holds, before what it still has', async () => {
      const { fanout, direct, publish, listen } = await harness('replay-short', { replayMessages: 2 });
      await listen('1', 'alice');
      await publish({ t: 'target', op: 'added', target: a });
      for (let i = 1; i <= 5; i++) await publish({ t: 'records', records: [record('a', String(i))] });
      await listen('2', 'carol', { backlog: { after: { byTarget: new Map(), otherwise: '1' } } });
      const carol = direct.filter((e) => e.to === '2' && e.event !== 'target');
      expect(carol.map((e) => (e.event === 'records' ? linesOf(e.payload) : e.payload))).toEqual([
        { sub: 's_replay-short', reason: 'resume_incomplete' },
        ['4', '5'],
      ]);
      await fanout.close();
    });

    it('after an outage delivers what the bus replays, in order, before what came in on the channel meanwhile', async () => {
      const { fanout, bus, roomEmits, publish, listen, eventsOf } = await harness('outage');
      await listen('1', 'alice');
      await publish({ t: 'target', op: 'added', target: a });
      await publish({ t: 'records', records: [record('a', '1')] });
      await expect.poll(() => roomEmits.length).toBe(1);
      bus.report('down');
      bus.lost = true;
      await publish({ t: 'records', records: [record('a', '2')] });
      // This channel is subscribed again before the bus as a whole is back.
      bus.lost = false;
      await publish({ t: 'records', records: [record('a', '3')] });
      bus.report('up');
      await publish({ t: 'records', records: [record('a', '4')] });
      await expect.poll(() => roomEmits.flatMap((e) => linesOf(e.payload))).toEqual(['1', '2', '3', '4']);
      expect(eventsOf('1', 'gap')).toEqual([]);
      await fanout.close();
    });

    it('reports a gap where an outage outlasted the replay buffer, before what the buffer still had', async () => {
      const { fanout, bus, direct, publish, listen } = await harness('outage-gap', { replayMessages: 1 });
      await listen('1', 'alice');
      await publish({ t: 'target', op: 'added', target: a });
      await publish({ t: 'records', records: [record('a', '1')] });
      bus.report('down');
      bus.lost = true;
      await publish({ t: 'records', records: [record('a', '2')] });
      await publish({ t: 'records', records: [record('a', '3')] });
      bus.lost = false;
      bus.report('up');
      await expect.poll(() => direct.filter((e) => e.event === 'gap').length).toBe(1);
      await publish({ t: 'records', records: [record('a', '4')] });
      await new Promise((resolve) => setImmediate(resolve));
      // alice is alone in her class: her room emits and her direct events, in order.
      const events = [...direct.filter((e) => e.to === '1' && e.event === 'gap')];
      expect(events.map((e) => e.payload)).toEqual([{ sub: 's_outage-gap', reason: 'bus_interrupted' }]);
      await fanout.close();
    });

    it('reads an outage the replay buffer cannot cover back from a source that can resume, from before the buffer', async () => {
      const held = ['1', '2', '3', '4'].map((cursor) => logRecord('a', cursor));
      const { fanout, bus, roomEmits, publish, listen, eventsOf, backlogCalls } = await harness('outage-read', {
        resumable: true,
        backlog: held,
        replayMessages: 1,
      });
      await listen('1', 'alice');
      await publish({ t: 'target', op: 'added', target: a });
      await publish({ t: 'records', records: [record('a', '1')] });
      await expect.poll(() => roomEmits.length).toBe(1);
      bus.report('down');
      bus.lost = true;
      await publish({ t: 'records', records: [record('a', '2')] });
      await publish({ t: 'records', records: [record('a', '3')] });
      bus.lost = false;
      bus.report('up');
      await publish({ t: 'records', records: [record('a', '4')] });
      await expect.poll(() => roomEmits.flatMap((e) => linesOf(e.payload))).toEqual(['1', '2', '3', '4']);
      expect(backlogCalls.map((c) => [...(c.after?.byTarget ?? [])])).toEqual([[['n/a/c', '1']]]);
      expect(eventsOf('1', 'gap')).toEqual([]);
      await fanout.close();
    });

    it('tells a listener still waiting for its backlog about a gap, after the backlog and before the live records held meanwhile', async () => {
      let open = () => undefined as void;
      const backlogGate = new Promise<void>((resolve) => (open = resolve));
      const { fanout, direct, publish, listen } = await harness('gap-held', { backlog: [logRecord('a', '0')], backlogGate });
      await publish({ t: 'target', op: 'added', target: a });
      const listening = listen('1', 'alice', { backlog: { tail: 10 } });
      await new Promise((resolve) => setImmediate(resolve));
      await publish({ t: 'records', records: [record('a', '1')] });
      await publish({ t: 'gap', missed: [{ target: a, count: 4 }] });
      await publish({ t: 'records', records: [record('a', '6')] });
      await new Promise((resolve) => setImmediate(resolve));
      open();
      await listening;
      const sent = direct.filter((e) => e.to === '1' && e.event !== 'target');
      expect(sent.map((e) => (e.event === 'records' ? linesOf(e.payload) : e.payload))).toEqual([
        ['0'],
        { sub: 's_gap-held', reason: 'bus_interrupted', missed: [{ target: a, count: 4 }] },
        ['1', '6'],
      ]);
      await fanout.close();
    });
  });

  describe('redaction', () => {
    const a = { ns: 'n', pod: 'a', container: 'c' };
    /** A mask that hides `secret`, counting the batches it was applied to. */
    function hidingMask(signature = 'hide') {
      const calls = { batches: 0 };
      const run = (lines: readonly string[]) => {
        calls.batches++;
        return lines.map((line) => line.replaceAll('secret', '***'));
      };
      return { mask: recordMask(signature, [{ transform: 't.hide', run }], silentLogger), calls };
    }
    const cursorsOf = (payload: unknown) => (payload as { batch: WireRecord[] }).batch.map((r) => r.cursor);

    it('puts listeners with the same access but another redaction in another class room, masking once per batch for it', async () => {
      const { fanout, roomEmits, publish, listen } = await harness('redact-rooms');
      const { mask, calls } = hidingMask();
      const alice = await listen('1', 'alice', { mask });
      const dora = await listen('2', 'dora', { mask });
      const carol = await listen('3', 'carol');
      await publish({ t: 'target', op: 'added', target: a });
      const sent = [record('a', 'the secret 1'), record('a', 'plain 2')];
      await publish({ t: 'records', records: sent });
      await expect.poll(() => roomEmits.length).toBe(2);
      const [maskedRoom] = alice.rooms;
      const [plainRoom] = carol.rooms;
      expect(maskedRoom).not.toBe(plainRoom);
      expect([...dora.rooms]).toEqual([maskedRoom]);
      const byRoom = new Map(roomEmits.map((e) => [e.to, e.payload]));
      expect(linesOf(byRoom.get(maskedRoom!))).toEqual(['the *** 1', 'plain 2']);
      expect(linesOf(byRoom.get(plainRoom!))).toEqual(['the secret 1', 'plain 2']);
      expect(cursorsOf(byRoom.get(maskedRoom!))).toEqual(cursorsOf(byRoom.get(plainRoom!)));
      expect(calls.batches).toBe(1);
      // The shared records were copied, not changed.
      expect(sent[0]!.line).toBe('the secret 1');
      await fanout.close();
    });

    it("masks a listener's backlog, the live records held for it, and what waits in its slow lane", async () => {
      const backlog = [0, 1, 2].map((i): LogRecord => ({
        ts: 't',
        target: { namespace: 'n', pod: 'a', container: 'c' },
        stream: 'stdout',
        line: `secret ${i}`,
        cursor: `0${i}`,
      }));
      const { fanout, start, publish, directLines, roomEmits } = await harness('redact-paths', { backlog });
      await publish({ t: 'target', op: 'added', target: a });
      const { mask } = hidingMask();
      const { socket, activated } = start('1', 'alice', { backlog: { tail: 3 }, full: true, mask });
      await new Promise((resolve) => setImmediate(resolve));
      await publish({ t: 'records', records: [record('a', 'secret 3')] });
      await new Promise((resolve) => setImmediate(resolve));
      drain(socket);
      await activated;
      fill(socket);
      await publish({ t: 'records', records: [record('a', 'secret 4')] });
      await new Promise((resolve) => setImmediate(resolve));
      expect(directLines('1')).toHaveLength(4);
      expect(roomEmits).toEqual([]);
      drain(socket);
      await expect.poll(() => directLines('1').length).toBe(5);
      expect(directLines('1')).toEqual(['*** 0', '*** 1', '*** 2', '*** 3', '*** 4']);
      await fanout.close();
    });

    it("masks a resume served from the bus's replay buffer", async () => {
      const { fanout, publish, listen, directLines } = await harness('redact-replay');
      await publish({ t: 'target', op: 'added', target: a });
      await publish({ t: 'records', records: [record('a', '1 secret'), record('a', '2 secret'), record('a', '3 secret')] });
      const { mask } = hidingMask();
      await listen('1', 'alice', { mask, follow: false, backlog: { after: { byTarget: new Map([['n/a/c', '1 secret']]) } } });
      expect(directLines('1')).toEqual(['2 ***', '3 ***']);
      await fanout.close();
    });

    it('masks the live records a listener still catching up to its backlog gets on its own', async () => {
      const backlog = [
        {
          ts: 't',
          target: { namespace: 'n', pod: 'a', container: 'c' },
          stream: 'stdout' as const,
          line: '05 secret',
          cursor: '05 secret',
        },
      ];
      const { fanout, publish, listen, directLines, roomEmits } = await harness('redact-catch-up', { backlog });
      await publish({ t: 'target', op: 'added', target: a });
      const { mask } = hidingMask();
      // The backlog read ahead of the live stream: live records up to its cursor are not sent again.
      await listen('1', 'alice', { mask, backlog: { tail: 1 } });
      await publish({ t: 'records', records: [record('a', '04 secret'), record('a', '06 secret')] });
      await expect.poll(() => directLines('1')).toEqual(['05 ***', '06 ***']);
      expect(roomEmits).toEqual([]);
      await fanout.close();
    });

    it('masks time-ordered batches in their own class room', async () => {
      const { fanout, roomEmits, publish, listen } = await harness('redact-time');
      const { mask } = hidingMask();
      const alice = await listen('1', 'alice', { order: 'time', mask });
      const carol = await listen('2', 'carol', { order: 'time' });
      const at = (container: string, second: number): WireRecord => ({
        ...record('a', `secret ${container}${second}`),
        container,
        ts: `2024-05-01T10:00:0${second}Z`,
        cursor: String(second),
      });
      await publish({ t: 'records', records: [at('x', 2), at('y', 1)] });
      await expect.poll(() => roomEmits.length).toBe(2);
      const byRoom = new Map(roomEmits.map((e) => [e.to, linesOf(e.payload)]));
      expect(byRoom.get([...alice.rooms][0]!)).toEqual(['*** y1', '*** x2']);
      expect(byRoom.get([...carol.rooms][0]!)).toEqual(['secret y1', 'secret x2']);
      await fanout.close();
    });

    it('withholds every line of a batch whose transform fails, and delivers the cursors', async () => {
      const { fanout, roomEmits, publish, listen } = await harness('redact-fail');
      const failing = recordMask('broken', [{ transform: 't.broken', run: () => [] }], silentLogger);
      await listen('1', 'alice', { mask: failing });
      await publish({ t: 'target', op: 'added', target: a });
      await publish({ t: 'records', records: [record('a', 'secret')] });
      await expect.poll(() => roomEmits.length).toBe(1);
      expect(linesOf(roomEmits[0]!.payload)).toEqual(['[REDACTED:transform-failed]']);
      expect(cursorsOf(roomEmits[0]!.payload)).toEqual(['secret']);
      await fanout.close();
    });
  });

  describe('backlogs', () => {
    const a = { ns: 'n', pod: 'a', container: 'c' };
    const backlog = Array.from({ length: 30 }, (_, i): LogRecord => {
      const cursor = String(i).padStart(2, '0');
      return { ts: 't', target: { namespace: 'n', pod: 'a', container: 'c' }, stream: 'stdout', line: cursor, cursor };
    });

    it("reads the next backlog page only once the listener's connection has room", async () => {
      const { fanout, start, pagesRead, directLines, eventsOf } = await harness('backlog-drain', { backlog, pageRecords: 10 });
      const { socket, activated } = start('1', 'alice', { backlog: { tail: 30 }, follow: false, full: true });
      // A few of the connection's checks later, not one page was read.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(pagesRead()).toBe(0);
      expect(directLines('1')).toEqual([]);
      drain(socket);
      await activated;
      expect(pagesRead()).toBe(3);
      expect(directLines('1')).toEqual(backlog.map((r) => r.line));
      expect(eventsOf('1', 'ended')).toEqual([{ sub: 's_backlog-drain', reason: 'complete' }]);
      await fanout.close();
    });

    it('disconnects a client whose connection stays full for drainTimeoutMs, and reads no more of its backlog', async () => {
      const { fanout, start, pagesRead, eventsOf } = await harness('backlog-stall', { backlog, pageRecords: 10, drainTimeoutMs: 60 });
      const { socket, activated } = start('1', 'alice', { backlog: { tail: 30 }, follow: false, full: true });
      await activated;
      expect(socket.disconnected).toBe(true);
      expect(eventsOf('1', 'disconnect')).toHaveLength(1);
      expect(pagesRead()).toBe(0);
      await fanout.close();
    });

    it('holds live records for a listener whose backlog waits, the oldest dropped past its buffer and counted', async () => {
      const { fanout, start, publish, directLines, eventsOf } = await harness('backlog-held', { backlog, pageRecords: 10 });
      await publish({ t: 'target', op: 'added', target: a });
      // Room for about three live records of these (see batchBytes) while the backlog waits.
      const { socket, activated } = start('1', 'alice', { backlog: { tail: 30 }, full: true, bufferBytes: 400 });
      await new Promise((resolve) => setImmediate(resolve));
      for (let i = 30; i < 40; i++) await publish({ t: 'records', records: [record('a', String(i))] });
      await new Promise((resolve) => setImmediate(resolve));
      drain(socket);
      await activated;
      const live = directLines('1').slice(30);
      expect(directLines('1').slice(0, 30)).toEqual(backlog.map((r) => r.line));
      expect(live.length).toBeGreaterThan(0);
      expect(live).toEqual(Array.from({ length: live.length }, (_, i) => String(40 - live.length + i)));
      expect(eventsOf('1', 'dropped')).toEqual([{ sub: 's_backlog-held', count: 10 - live.length }]);
      await fanout.close();
    });

    it('tells a listener about the targets that came and went while its backlog was sent, and sends the backlog of those that went', async () => {
      let open = () => undefined as void;
      const pagesGate = new Promise<void>((resolve) => (open = resolve));
      const { fanout, start, publish, eventsOf, directLines } = await harness('backlog-targets', { backlog, pagesGate });
      const b = { ns: 'n', pod: 'a', container: 'other' };
      await publish({ t: 'target', op: 'added', target: a });
      const { activated } = start('1', 'alice', { backlog: { tail: 30 } });
      await expect.poll(() => eventsOf('1', 'target').length).toBe(1);
      await publish({ t: 'target', op: 'added', target: b });
      await publish({ t: 'target', op: 'removed', target: a });
      await new Promise((resolve) => setImmediate(resolve));
      open();
      await activated;
      expect(eventsOf('1', 'target')).toEqual([
        { sub: 's_backlog-targets', op: 'added', target: a },
        { sub: 's_backlog-targets', op: 'added', target: b },
        { sub: 's_backlog-targets', op: 'removed', target: a },
      ]);
      expect(directLines('1')).toEqual(backlog.map((r) => r.line));
      await fanout.close();
    });
  });
});
