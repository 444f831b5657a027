// A test client on the real socket.io-client that records everything the gateway sends, and
// fails the test on anything it must never receive (see test/support/leak-oracle.ts): every
// event and acknowledgement is parsed strictly and checked against what this listener may see.
import type {
  Ack,
  ClientToServerEvents,
  DeniedEvent,
  DroppedEvent,
  EndedEvent,
  GapEvent,
  HiddenEvent,
  ServerToClientEvents,
  SubscribeRequest,
  SubscribeResult,
  TargetEvent,
  WireRecord,
} from '@tailgate/contracts';
import { io, type Socket } from 'socket.io-client';

import { type AckedRequest, checkAck, checkConnectError, checkServerEvent, type Visibility } from '../../support/leak-oracle';

export { SEES_EVERYTHING, seesPods, seesTargets, type Visibility } from '../../support/leak-oracle';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectOptions {
  readonly token?: string;
  readonly headers?: Record<string, string>;
  /** What this listener may see; every event it gets is checked against it. */
  readonly sees: Visibility;
}

/** Thrown (and reported as an unhandled error, so the test fails) when the server sends what it must not. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

export class LogClient {
  readonly records: WireRecord[] = [];
  readonly targets: TargetEvent[] = [];
  readonly denied: DeniedEvent[] = [];
  readonly ended: EndedEvent[] = [];
  readonly gaps: GapEvent[] = [];
  readonly hidden: HiddenEvent[] = [];
  readonly dropped: DroppedEvent[] = [];
  /** What the server sent that it must not have; the test has failed when this is not empty. */
  readonly violations: string[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly socket: ClientSocket,
    private readonly sees: Visibility,
  ) {
    socket.onAny((event: string, payload: unknown) => this.check(checkServerEvent(event, payload, sees)));
    socket.on('records', ({ batch }) => this.push(() => this.records.push(...batch)));
    socket.on('target', (event) => this.push(() => this.targets.push(event)));
    socket.on('denied', (event) => this.push(() => this.denied.push(event)));
    socket.on('hidden', (event) => this.push(() => this.hidden.push(event)));
    socket.on('dropped', (event) => this.push(() => this.dropped.push(event)));
    socket.on('ended', (event) => this.push(() => this.ended.push(event)));
    socket.on('gap', (event) => this.push(() => this.gaps.push(event)));
    socket.on('disconnect', () => this.push(() => undefined));
  }

  static connect(url: string, options: ConnectOptions): Promise<LogClient> {
    const socket: ClientSocket = io(`${url}/logs`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      ...(options.token !== undefined && { auth: { token: options.token } }),
      ...(options.headers && { extraHeaders: options.headers }),
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new LogClient(socket, options.sees)));
      socket.once('connect_error', (error) => {
        socket.close();
        // Without data the transport itself refused (an HTTP status before any Socket.IO packet).
        const data = (error as Error & { data?: unknown }).data;
        const violation = data === undefined ? undefined : checkConnectError(data, options.sees);
        reject(violation ? report(violation) : error);
      });
    });
  }

  async subscribe(request: SubscribeRequest): Promise<Ack<SubscribeResult>> {
    const ack = (await this.socket.timeout(5_000).emitWithAck('subscribe', request)) as unknown as Ack<SubscribeResult>;
    this.check(checkAck('subscribe', ack, this.sees));
    return ack;
  }

  /** Sends any payload, as a misbehaving client would; a known request's acknowledgement is still checked. */
  async emitRaw(event: string, ...args: unknown[]): Promise<unknown> {
    const ack = await (this.socket.timeout(5_000) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> }).emitWithAck(
      event,
      ...args,
    );
    if (isAckedRequest(event)) this.check(checkAck(event, ack, this.sees));
    return ack;
  }

  /** Sends a request without an acknowledgement callback, as a careless client would. */
  emitWithoutAck(event: string, payload: unknown): void {
    (this.socket as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
  }

  lines(): string[] {
    return this.records.map((r) => r.line);
  }

  waitFor(predicate: () => boolean, what: string, timeoutMs = 8_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.violations.length > 0) {
          clearTimeout(timer);
          this.waiters.delete(check);
          reject(new ContractViolation(this.violations[0]));
          return;
        }
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Closes the connection; throws if the server ever sent this client what it must not. */
  close(): void {
    this.socket.close();
    if (this.violations.length > 0) throw new ContractViolation(this.violations.join('\n'));
  }

  private check(violation: string | undefined): void {
    if (violation === undefined) return;
    this.violations.push(violation);
    report(violation);
    for (const waiter of [...this.waiters]) waiter();
  }

  private push(apply: () => void): void {
    apply();
    for (const waiter of [...this.waiters]) waiter();
  }
}

const ACKED: readonly string[] = ['subscribe', 'unsubscribe', 'sources.list'] satisfies AckedRequest[];

function isAckedRequest(event: string): event is AckedRequest {
  return ACKED.includes(event);
}

/** Fails the running test from wherever the violation was seen (vitest fails a run on unhandled errors). */
function report(violation: string): ContractViolation {
  const error = new ContractViolation(violation);
  setImmediate(() => {
    throw error;
  });
  return error;
}

/** Resolves with the `connect_error` a refused connection gets. */
export async function connectError(url: string, options: Omit<ConnectOptions, 'sees'>): Promise<Error & { data?: unknown }> {
  try {
    const client = await LogClient.connect(url, { ...options, sees: { mayRead: () => false } });
    client.close();
  } catch (error) {
    return error as Error & { data?: unknown };
  }
  throw new Error('the connection was accepted');
}
