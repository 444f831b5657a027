// A test client on the real socket.io-client that records everything the gateway sends.
import type {
  Ack,
  ClientToServerEvents,
  DeniedEvent,
  EndedEvent,
  GapEvent,
  ServerToClientEvents,
  SubscribeRequest,
  SubscribeResult,
  TargetEvent,
  WireRecord,
} from '@tailgate/contracts';
import { io, type Socket } from 'socket.io-client';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectOptions {
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

export class LogClient {
  readonly records: WireRecord[] = [];
  readonly targets: TargetEvent[] = [];
  readonly denied: DeniedEvent[] = [];
  readonly ended: EndedEvent[] = [];
  readonly gaps: GapEvent[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: ClientSocket) {
    socket.on('records', ({ batch }) => this.push(() => this.records.push(...batch)));
    socket.on('target', (event) => this.push(() => this.targets.push(event)));
    socket.on('denied', (event) => this.push(() => this.denied.push(event)));
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
      socket.once('connect', () => resolve(new LogClient(socket)));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
  }

  subscribe(request: SubscribeRequest): Promise<Ack<SubscribeResult>> {
    return this.socket.timeout(5_000).emitWithAck('subscribe', request);
  }

  /** Sends any payload, as a misbehaving client would. */
  emitRaw(event: string, ...args: unknown[]): Promise<unknown> {
    return (this.socket.timeout(5_000) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> }).emitWithAck(
      event,
      ...args,
    );
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

  close(): void {
    this.socket.close();
  }

  private push(apply: () => void): void {
    apply();
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Resolves with the `connect_error` a refused connection gets. */
export async function connectError(url: string, options: ConnectOptions): Promise<Error & { data?: unknown }> {
  try {
    const client = await LogClient.connect(url, options);
    client.close();
  } catch (error) {
    return error as Error & { data?: unknown };
  }
  throw new Error('the connection was accepted');
}
