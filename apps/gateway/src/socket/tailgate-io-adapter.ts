// NestJS's Socket.IO adapter, handed the server the composition root built (socket/logs-server.ts):
// Nest attaches it to its HTTP server and binds the gateway's handlers to its /logs namespace.
// Handlers are bound as plain event listeners: Nest's own adapter builds an RxJS pipeline per
// handler and socket (fromEvent, mergeMap, takeUntil over a shared disconnect stream), about 5 KiB
// per connection that holds nothing a listener needs. What a handler does is unchanged: Nest's
// callback (guards, pipes, exception filters) runs per event, and a result it returns is emitted
// or acknowledged as Nest's adapter would.
import type { Server as HttpServer } from 'node:http';

import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';

import type { LogsServer } from '../wire/logs-socket';

/** Nest's socket type (its own copy of socket.io's typings) and the transform it hands every handler's result to. */
type NestSocket = Parameters<IoAdapter['bindMessageHandlers']>[0];
type Transform = (data: unknown) => Observable<unknown>;

export class TailgateIoAdapter extends IoAdapter {
  private attached = false;

  constructor(
    app: INestApplicationContext,
    private readonly io: LogsServer,
  ) {
    super(app);
  }

  override createIOServer(): LogsServer {
    if (!this.attached) {
      this.io.attach(this.httpServer as HttpServer);
      this.attached = true;
    }
    return this.io;
  }

  override bindMessageHandlers(socket: NestSocket, handlers: MessageMappingProperties[], transform: Transform): void {
    // Bound rather than closed over: no context and handler object kept per handler and socket.
    for (const { message, callback, isAckHandledManually } of handlers)
      socket.on(message as string, this.dispatch.bind(this, socket, callback, isAckHandledManually, transform));
  }

  /** One event: the payload split into data and acknowledgement as Nest does, its result sent as Nest does. */
  private dispatch(
    socket: NestSocket,
    callback: MessageMappingProperties['callback'],
    isAckHandledManually: boolean,
    transform: Transform,
    ...args: unknown[]
  ): void {
    const mapped: { readonly data: unknown; readonly ack?: unknown } = this.mapPayload(args.length > 1 ? args : args[0]);
    const ack = mapped.ack;
    transform(callback(mapped.data, ack)).subscribe((response) => {
      // Nest's adapter stops at the disconnect; so does this.
      if (response === null || response === undefined || socket.disconnected) return;
      const { event, data: payload } = response as { readonly event?: string; readonly data?: unknown };
      if (event) socket.emit(event, payload);
      else if (!isAckHandledManually && typeof ack === 'function') (ack as (answer: unknown) => void)(response);
    });
  }
}
