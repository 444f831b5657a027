import { EventEmitter } from 'node:events';

import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { from, mergeAll, type Observable, of } from 'rxjs';
import { describe, expect, it } from 'vitest';

import type { LogsServer } from '../wire/logs-socket';
import { TailgateIoAdapter } from './tailgate-io-adapter';

type NestSocket = Parameters<IoAdapter['bindMessageHandlers']>[0];

/** What a handler saw and what reached the client, in order. */
type Seen = readonly unknown[];

/** Nest's transform of a handler's result (web-sockets-controller.js): a value, a promise or an observable. */
const nestTransform = (result: unknown): Observable<unknown> =>
  from(
    Promise.resolve(result).then((value) => (value instanceof Object && 'subscribe' in value ? (value as Observable<unknown>) : of(value))),
  ).pipe(mergeAll());

/** A socket with the given handlers bound by `adapter`, and a log of what its handlers saw and what it sent. */
function bind(adapter: IoAdapter, results: Record<string, unknown>, manual: readonly string[] = []) {
  const socket = Object.assign(new EventEmitter(), { disconnected: false });
  const seen: unknown[] = [];
  const ack = (answer: unknown): void => void seen.push(['ack', answer]);
  const handlers: MessageMappingProperties[] = Object.entries(results).map(([message, result]) => ({
    message,
    methodName: message,
    isAckHandledManually: manual.includes(message),
    callback: (data: unknown, givenAck: unknown) => {
      seen.push([message, data, typeof givenAck]);
      return Promise.resolve(result);
    },
  }));
  adapter.bindMessageHandlers(socket as unknown as NestSocket, handlers, nestTransform);
  socket.on('note', (payload: unknown) => seen.push(['emitted note', payload]));
  return { socket, seen, ack };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
const ours = () => new TailgateIoAdapter({} as INestApplicationContext, {} as LogsServer);
const nests = () => new IoAdapter({});

async function scenario(adapter: IoAdapter): Promise<Seen> {
  const { socket, seen, ack } = bind(
    adapter,
    { subscribe: undefined, 'sources.list': { ok: true }, manual: { ok: 1 }, notify: { event: 'note', data: 7 } },
    ['manual'],
  );
  socket.emit('subscribe', { source: 's' }, ack);
  socket.emit('sources.list', ack);
  socket.emit('manual', 'x', ack);
  socket.emit('notify', 1, 2);
  socket.emit('subscribe', [1, 2]);
  await settle();
  return seen;
}

describe('TailgateIoAdapter', () => {
  it('hands each handler its data and acknowledgement, and answers with its result, exactly as Nest’s own adapter does', async () => {
    const expected = await scenario(nests());
    expect(await scenario(ours())).toEqual(expected);
    expect(expected).toEqual([
      ['subscribe', { source: 's' }, 'function'],
      ['sources.list', undefined, 'function'],
      ['manual', 'x', 'function'],
      ['notify', [1, 2], 'undefined'],
      ['subscribe', [1, 2], 'undefined'],
      ['ack', { ok: true }],
      ['emitted note', 7],
    ]);
  });

  it('sends nothing for a result that arrives after the socket disconnected', async () => {
    for (const adapter of [nests(), ours()]) {
      const { socket, seen, ack } = bind(adapter, { 'sources.list': { ok: true } });
      socket.emit('sources.list', ack);
      socket.disconnected = true;
      socket.emit('disconnect');
      await settle();
      expect(seen).toEqual([['sources.list', undefined, 'function']]);
    }
  });

  it('binds each handler as one plain listener, and nothing on disconnect', () => {
    const { socket } = bind(ours(), { subscribe: undefined, unsubscribe: undefined });
    expect(socket.eventNames()).toEqual(['subscribe', 'unsubscribe', 'note']);
    expect(socket.listenerCount('subscribe')).toBe(1);
  });
});
