// One lightweight listener: a bare WebSocket that speaks just enough Engine.IO v4 / Socket.IO v5
// (open, namespace connect with auth, one acknowledged `subscribe`, ping → pong) and hands every
// event frame to a callback undecoded. This keeps client CPU low on a 2-core box, so the bench
// measures the server, not socket.io-client (performance.md §1, §8.1). A listener given
// `readBytesPerSec` is a slow consumer: it stops reading its socket whenever it is ahead of that rate.
import WebSocket from 'ws';

import type { ListenerSpec, Wire } from './fleet-protocol';

const OPEN = 0x30; // '0'
const PING = 0x32; // '2'
const MESSAGE = 0x34; // '4'
const EVENT = 0x32; // '2' after '4': a Socket.IO EVENT packet

export class RawListener {
  private constructor(private readonly socket: WebSocket) {}

  /** Connects, joins the namespace, subscribes; resolves once records may flow. */
  static connect(url: string, wire: Wire, namespace: string, spec: ListenerSpec, onFrame: (frame: Buffer) => void): Promise<RawListener> {
    const base = url.replace(/^http/, 'ws');
    const target = wire === 'ws' ? base : `${base}/socket.io/?EIO=4&transport=websocket`;
    const socket = new WebSocket(target, { perMessageDeflate: false, skipUTF8Validation: true });
    const prefix = namespace === '/' ? '' : `${namespace},`;
    return new Promise((resolve, reject) => {
      let ready = false;
      const done = (error?: Error): void => {
        if (ready) return;
        ready = true;
        if (error) {
          socket.terminate();
          reject(error);
        } else resolve(new RawListener(socket));
      };
      socket.once('error', (error) => done(error));
      socket.once('close', () => done(new Error('closed before ready')));
      if (wire === 'ws') socket.once('open', () => done());
      if (spec.readBytesPerSec !== undefined) throttle(socket, spec.readBytesPerSec);
      socket.on('message', (data: Buffer) => {
        if (wire === 'ws') return onFrame(data);
        const kind = data[0];
        if (kind === MESSAGE && data[1] === EVENT) return onFrame(data);
        if (kind === PING) return socket.send('3');
        if (kind === OPEN) return socket.send(`40${prefix}${JSON.stringify(spec.token === undefined ? {} : { token: spec.token })}`);
        if (kind !== MESSAGE) return;
        const text = data.toString();
        if (text.startsWith(`44${prefix}`)) return done(new Error(`connect_error ${text.slice(2 + prefix.length)}`));
        if (text.startsWith(`40${prefix}`)) {
          if (!spec.subscribe) return done();
          socket.send(`42${prefix}1${JSON.stringify(['subscribe', spec.subscribe])}`);
          return;
        }
        if (text.startsWith(`43${prefix}1`)) {
          const [ack] = JSON.parse(text.slice(3 + prefix.length)) as [{ ok?: boolean }];
          return ack.ok ? done() : done(new Error(`subscribe refused: ${text.slice(3 + prefix.length, 300)}`));
        }
      });
    });
  }

  close(): void {
    this.socket.terminate();
  }
}

/** Pauses the socket (the kernel buffers fill, then the server's) whenever more than `bytesPerSec` arrived so far. */
function throttle(socket: WebSocket, bytesPerSec: number): void {
  const started = Date.now();
  let received = 0;
  let paused = false;
  socket.on('message', (data: Buffer) => {
    received += data.length;
    const wait = started + (received / bytesPerSec) * 1000 - Date.now();
    if (wait <= 0 || paused) return;
    paused = true;
    socket.pause();
    setTimeout(() => {
      paused = false;
      socket.resume();
    }, wait).unref();
  });
}
