// One connection attempt: a fresh Socket.IO socket (its own reconnection off — the client decides
// when to try again, including after a server-side disconnect Socket.IO would not retry), with
// `auth` as a function so the token is fetched anew for every attempt. Resolves with the
// connected socket or the reason it was refused.
import { PROTOCOL_VERSION } from '@tailgate/contracts';
import { io, type Socket } from 'socket.io-client';

import type { ClientSettings } from './client-settings';
import { readConnectError } from './server-message';
import { TailgateError } from './tailgate-error';

export function openSocket(settings: ClientSettings): Promise<Socket | TailgateError> {
  return new Promise((resolve) => {
    let settled = false;
    const timer = setTimeout(
      () => finish(new TailgateError('timeout', `no connection within ${settings.connectTimeoutMs} ms`)),
      settings.connectTimeoutMs,
    );
    const finish = (result: Socket | TailgateError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('connect');
      socket.off('connect_error');
      if (result instanceof TailgateError) socket.disconnect();
      resolve(result);
    };
    const socket = io(settings.address.uri, {
      path: settings.address.path,
      transports: [...settings.transports],
      forceNew: true,
      reconnection: false,
      timeout: settings.connectTimeoutMs,
      ...(settings.extraHeaders && { extraHeaders: { ...settings.extraHeaders } }),
      auth: (send: (data: object) => void) => {
        const token = settings.token?.() ?? Promise.resolve(undefined);
        token.then(
          (value) => send(value === undefined ? { protocol: PROTOCOL_VERSION } : { token: value, protocol: PROTOCOL_VERSION }),
          () => finish(new TailgateError('connection_failed', 'the token provider failed')),
        );
      },
    });
    socket.once('connect', () => finish(socket));
    socket.once('connect_error', (error) => finish(readConnectError(error)));
  });
}
