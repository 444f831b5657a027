// The client: one Socket.IO connection at a time, and the subscriptions that outlive it. When a
// connection is lost — a network failure, a replica that died or shut down, a server-side
// disconnect Socket.IO would not retry — it reconnects with backoff (a token provider is asked
// again) and subscribes every live subscription again from its last cursors.
import type { ScopeView, SourceDescription, SubscribeRequest } from '@tailgate/contracts';
import type { Socket } from 'socket.io-client';

import type { ConnectOptions } from './client-options';
import { type ClientSettings, clientSettings } from './client-settings';
import { LiveSubscription, type SubscriptionHost } from './live-subscription';
import { openSocket } from './open-socket';
import { reconnectDelay } from './reconnect-delay';
import { afterRefusedReconnect, afterRefusedResubscribe, afterServerEnd } from './reconnect-policy';
import { subscribeRequest } from './resubscribe-request';
import { type AckResult, readAck, readServerEvent, type RequestName } from './server-message';
import type { SubscribeOptions, Subscription } from './subscription';
import type { ConnectionEvents, ConnectionState, TailgateClient } from './tailgate-client';
import { TailgateError } from './tailgate-error';

export type ConnectionPhase =
  | { readonly kind: 'connected'; readonly socket: Socket }
  | { readonly kind: 'reconnecting'; readonly attempt: number }
  | { readonly kind: 'closed'; readonly error: TailgateError };

/**
 * How long a connection may stay up after the server ended a subscription for a reason it follows
 * with a disconnect (`shutdown`, `unauthenticated`) before the client drops it itself.
 */
const SERVER_DISCONNECT_GRACE_MS = 2_000;

type Listeners = { [E in keyof ConnectionEvents]: Set<ConnectionEvents[E]> };

export class TailgateConnection implements TailgateClient, SubscriptionHost {
  private phase: ConnectionPhase;
  private readonly subscriptions = new Set<LiveSubscription>();
  /** The live subscriptions on the current socket, by the server's id. */
  private readonly byId = new Map<string, LiveSubscription>();
  private readonly stopping = new AbortController();
  private readonly listeners: Listeners = { state: new Set(), error: new Set() };
  private readonly phaseWaiters = new Set<() => void>();
  private disconnectGrace: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    private readonly settings: ClientSettings,
    socket: Socket,
  ) {
    this.phase = { kind: 'connected', socket };
    this.attach(socket);
  }

  static async open(options: ConnectOptions): Promise<TailgateConnection> {
    const pageOrigin = (globalThis as { location?: { origin?: string } }).location?.origin;
    const settings = clientSettings(options, pageOrigin);
    const socket = await openSocket(settings);
    if (socket instanceof TailgateError) throw socket;
    return new TailgateConnection(settings, socket);
  }

  get state(): ConnectionState {
    return this.phase.kind;
  }

  on<E extends keyof ConnectionEvents>(event: E, listener: ConnectionEvents[E]): this {
    (this.listeners[event] as Set<ConnectionEvents[E]>).add(listener);
    return this;
  }

  off<E extends keyof ConnectionEvents>(event: E, listener: ConnectionEvents[E]): this {
    (this.listeners[event] as Set<ConnectionEvents[E]>).delete(listener);
    return this;
  }

  async sourcesList(): Promise<readonly SourceDescription[]> {
    return (await this.request('sources.list', {})).sources;
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    let created: LiveSubscription | undefined;
    // Created in the acknowledgement's callback, so the events that follow it find their subscription.
    await this.request('subscribe', subscribeRequest(options), (ack) => (created = this.track(options, ack.id, ack.scope)));
    if (!created) throw new TailgateError('internal', 'the subscription was acknowledged without being created');
    return created;
  }

  close(): void {
    this.finish(new TailgateError('closed', 'the client was closed'));
  }

  async unsubscribe(subscription: LiveSubscription, id: string): Promise<void> {
    const phase = this.phase;
    if (phase.kind !== 'connected' || this.byId.get(id) !== subscription) return;
    this.byId.delete(id);
    const result = await this.call(phase.socket, 'unsubscribe', { id });
    // Gone already (ended by the server in the meantime): what the caller wanted.
    if (result instanceof TailgateError && result.code !== 'not_found') throw result;
  }

  private track(options: SubscribeOptions, id: string, scope: readonly ScopeView[]): LiveSubscription {
    const subscription = new LiveSubscription(options, id, scope, this);
    this.subscriptions.add(subscription);
    this.byId.set(id, subscription);
    void subscription.done().then(() => this.forget(subscription));
    return subscription;
  }

  private forget(subscription: LiveSubscription): void {
    this.subscriptions.delete(subscription);
    for (const [id, known] of this.byId) if (known === subscription) this.byId.delete(id);
  }

  private attach(socket: Socket): void {
    socket.onAny((name: string, payload: unknown) => this.onServerEvent(socket, name, payload));
    socket.on('disconnect', () => this.lost(socket));
  }

  private onServerEvent(socket: Socket, name: string, payload: unknown): void {
    if (this.phase.kind !== 'connected' || this.phase.socket !== socket) return;
    const message = readServerEvent(name, payload);
    if (message === 'ignored') return;
    if (message === 'malformed') return this.report(new TailgateError('internal', `the gateway sent a malformed ${name} event`));
    const subscription = this.byId.get(message.event.sub);
    if (!subscription) return;
    if (message.name !== 'ended') return subscription.receive(message);
    this.byId.delete(message.event.sub);
    const { reason } = message.event;
    const ability = { reconnects: this.settings.reconnect !== false, tokenRenews: this.settings.tokenRenews };
    if (afterServerEnd(reason, ability) === 'end') return subscription.end({ type: 'ended', reason });
    subscription.suspend();
    // The server disconnects right after; should it not, the subscription must not wait forever.
    clearTimeout(this.disconnectGrace);
    this.disconnectGrace = setTimeout(() => this.lost(socket), SERVER_DISCONNECT_GRACE_MS);
  }

  private lost(socket: Socket): void {
    if (this.phase.kind !== 'connected' || this.phase.socket !== socket) return;
    clearTimeout(this.disconnectGrace);
    socket.offAny();
    socket.disconnect();
    this.byId.clear();
    if (this.settings.reconnect === false) return this.finish(new TailgateError('connection_failed', 'the connection was lost'));
    void this.reconnect(this.settings.reconnect);
  }

  private async reconnect(settings: Exclude<ClientSettings['reconnect'], false>): Promise<void> {
    let lastError = new TailgateError('connection_failed', 'the connection was lost');
    for (let attempt = 1; attempt <= settings.maxAttempts; attempt++) {
      this.setPhase({ kind: 'reconnecting', attempt });
      for (const subscription of this.subscriptions) subscription.reconnecting(attempt);
      if (!(await pause(reconnectDelay(attempt, settings), this.stopping.signal))) return;
      const result = await openSocket(this.settings);
      if (this.phase.kind === 'closed') {
        if (!(result instanceof TailgateError)) result.disconnect();
        return;
      }
      if (!(result instanceof TailgateError)) {
        this.setPhase({ kind: 'connected', socket: result });
        this.attach(result);
        return this.resubscribeAll(result);
      }
      lastError = result;
      this.report(result);
      if (afterRefusedReconnect(result.code) === 'give-up') break;
    }
    this.finish(lastError);
  }

  private async resubscribeAll(socket: Socket): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => this.resubscribe(socket, subscription)));
  }

  private async resubscribe(socket: Socket, subscription: LiveSubscription): Promise<void> {
    const request: SubscribeRequest = subscription.resubscribeRequest();
    const result = await this.call(socket, 'subscribe', request, (ack) => {
      if (subscription.closed) return void this.call(socket, 'unsubscribe', { id: ack.id });
      this.byId.set(ack.id, subscription);
      subscription.resumed(ack.id, ack.scope);
    });
    if (!(result instanceof TailgateError)) return;
    // Lost again meanwhile: the next connection resumes it.
    if (this.phase.kind !== 'connected' || this.phase.socket !== socket) return;
    if (afterRefusedResubscribe(result.code) === 'reconnect') return this.lost(socket);
    subscription.end({ type: 'ended', error: result });
  }

  /** A request on the connection as it is now (waiting for a reconnect in progress); rejects with a TailgateError. */
  private async request<R extends RequestName>(name: R, payload: object, onOk?: (ack: AckResult<R>) => void): Promise<AckResult<R>> {
    const socket = await this.connectedSocket();
    const result = await this.call(socket, name, payload, onOk);
    if (result instanceof TailgateError) throw result;
    return result;
  }

  private call<R extends RequestName>(
    socket: Socket,
    name: R,
    payload: object,
    onOk?: (ack: AckResult<R>) => void,
  ): Promise<AckResult<R> | TailgateError> {
    const timeoutMs = this.settings.requestTimeoutMs;
    return new Promise((resolve) => {
      socket.timeout(timeoutMs).emit(name, payload, (error: Error | null, raw: unknown) => {
        if (error) {
          // Socket.IO fails pending acknowledgements after the disconnect, so `connected` tells which it was.
          const lostFirst = !socket.connected;
          return resolve(
            lostFirst
              ? new TailgateError('connection_failed', `the connection was lost before the answer to ${name}`)
              : new TailgateError('timeout', `no answer to ${name} within ${timeoutMs} ms`),
          );
        }
        const ack = readAck(name, raw);
        if (ack === 'malformed') {
          const malformed = new TailgateError('internal', `the gateway sent a malformed answer to ${name}`);
          this.report(malformed);
          return resolve(malformed);
        }
        if (!(ack instanceof TailgateError)) onOk?.(ack);
        resolve(ack);
      });
    });
  }

  /** The current socket, waiting up to the request timeout for a reconnect in progress. */
  private async connectedSocket(): Promise<Socket> {
    const deadline = Date.now() + this.settings.requestTimeoutMs;
    for (;;) {
      const phase = this.phase;
      if (phase.kind === 'connected') return phase.socket;
      if (phase.kind === 'closed') throw phase.error;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new TailgateError('timeout', `not connected again within ${this.settings.requestTimeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.phaseWaiters.add(done);
      });
    }
  }

  private setPhase(phase: ConnectionPhase): void {
    const changed = phase.kind !== this.phase.kind;
    this.phase = phase;
    for (const waiter of [...this.phaseWaiters]) waiter();
    this.phaseWaiters.clear();
    if (changed) for (const listener of [...this.listeners.state]) listener(phase.kind);
  }

  /** Ends the client: every subscription ends with `error`, the socket closes, nothing reconnects. */
  private finish(error: TailgateError): void {
    const phase = this.phase;
    if (phase.kind === 'closed') return;
    this.setPhase({ kind: 'closed', error });
    this.stopping.abort();
    clearTimeout(this.disconnectGrace);
    if (phase.kind === 'connected') {
      phase.socket.offAny();
      phase.socket.disconnect();
    }
    for (const subscription of [...this.subscriptions]) subscription.end({ type: 'ended', error });
    this.subscriptions.clear();
    this.byId.clear();
  }

  private report(error: TailgateError): void {
    for (const listener of [...this.listeners.error]) listener(error);
  }
}

/** Waits `ms`; false when `signal` aborted first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', aborted);
      resolve(true);
    }, ms);
    function aborted(): void {
      clearTimeout(timer);
      resolve(false);
    }
    signal.addEventListener('abort', aborted, { once: true });
  });
}
