// The typed Socket.IO socket and namespace of the /logs protocol.
import type { AuditConnection } from '@tailgate/audit';
import type { ClientToServerEvents, ServerToClientEvents } from '@tailgate/contracts';
import type { Subject } from '@tailgate/plugin-sdk';
import type { Namespace, Server, Socket } from 'socket.io';

import type { SharedBytes } from './shared-bytes';
import type { SubscriptionIds } from './subscription-ids';

export interface SocketData {
  subject: Subject;
  /** Where the connection came from (addresses, user agent, its id), as the audit trail records it. */
  connection: AuditConnection;
  /** When the credentials stop being valid, if the authenticator said. */
  expiresAt?: number;
  /** Kept in memory only, to re-review the connection; never logged (the logger redacts `token`). */
  token: string;
  /** Ids of this socket's subscriptions (stream ids). */
  subscriptions: SubscriptionIds;
  /** Gives the user's connection slot back (see connections/connection-admission.ts); more calls do nothing. */
  releaseSlot: () => void;
  /**
   * Bytes that may wait to be written to this connection before its subscriptions count as slow
   * (`streams.listenerBufferBytes`); it is the connection's buffer that fills, whichever stream fills it.
   */
  listenerBufferBytes: number;
  /**
   * What this connection's slow lanes and held live batches hold together, at most
   * `streams.connectionBufferBytes` (see slow-lane.ts).
   */
  queuedBytes: SharedBytes;
}

export type LogsSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type LogsNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type LogsServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
