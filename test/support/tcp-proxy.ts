// A tiny TCP forwarder on 127.0.0.1, the way a Service sits in front of gateway replicas: each new
// connection goes to the first upstream that accepts it, so a client that reconnects after its
// replica died lands on a live one. `blackhole()` keeps connections open but forwards nothing
// back from then on — a server that stopped answering.
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

import { freePort } from '@tailgate/testing';

export interface TcpProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Ports tried in order for each new connection. */
  setUpstreams(ports: readonly number[]): void;
  /** From now on, nothing the upstreams send reaches the clients. */
  blackhole(): void;
  /** Cuts every open connection, as a network failure would. */
  cut(): void;
  /** Connections forwarded so far, per upstream port. */
  readonly forwarded: ReadonlyMap<number, number>;
  close(): Promise<void>;
}

export async function startTcpProxy(upstreams: readonly number[]): Promise<TcpProxy> {
  let ports = [...upstreams];
  let silent = false;
  const open = new Set<Socket>();
  const forwarded = new Map<number, number>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };

  const dial = (candidates: readonly number[]): Promise<{ socket: Socket; port: number } | undefined> => {
    const [port, ...rest] = candidates;
    if (port === undefined) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const upstream = tcpConnect({ host: '127.0.0.1', port });
      upstream.once('connect', () => resolve({ socket: upstream, port }));
      upstream.once('error', () => {
        upstream.destroy();
        void dial(rest).then(resolve);
      });
    });
  };

  const server: Server = createServer((client) => {
    track(client);
    client.pause();
    client.on('error', () => client.destroy());
    void dial(ports).then((found) => {
      if (!found || client.destroyed) {
        found?.socket.destroy();
        client.destroy();
        return;
      }
      const { socket: upstream, port } = found;
      forwarded.set(port, (forwarded.get(port) ?? 0) + 1);
      track(upstream);
      upstream.removeAllListeners('error');
      upstream.on('error', () => client.destroy());
      client.on('data', (chunk: Buffer) => upstream.write(chunk));
      upstream.on('data', (chunk: Buffer) => {
        if (!silent) client.write(chunk);
      });
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
      client.resume();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    setUpstreams(next) {
      ports = [...next];
    },
    blackhole() {
      silent = true;
    },
    cut() {
      for (const socket of open) socket.destroy();
    },
    forwarded,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
