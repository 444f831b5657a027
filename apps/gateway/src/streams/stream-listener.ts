// One socket's subscription to one stream, as the fan-out tracks it.
import type { WireRecord } from '@tailgate/contracts';
import type { BacklogOptions, Subject } from '@tailgate/plugin-sdk';

import type { LogsSocket } from '../socket/logs-socket';
import type { ClassMember } from './permission-classes';
import type { TargetAccess, WirePredicate } from './target-access';

export interface StreamListener extends ClassMember {
  readonly socket: LogsSocket;
  readonly subject: Subject;
  readonly access: Map<string, TargetAccess>;
  readonly scopePredicate: WirePredicate;
  readonly scopeSignature: string;
  /** Targets this listener was told it may not see; one `denied` each. */
  readonly deniedSent: Set<string>;
  /** Live batches held while the listener's backlog is read; undefined once it is live. */
  held: WireRecord[][] | undefined;
  classKey: string | undefined;
  /** Whether it holds a reference on the upstream (follow), released when it leaves. */
  readonly follows: boolean;
}

export interface ListenerRequest {
  readonly socket: LogsSocket;
  readonly subject: Subject;
  readonly scopePredicate: WirePredicate;
  readonly scopeSignature: string;
  /** Records before the live stream (tail / since); undefined for none. */
  readonly backlog: BacklogOptions | undefined;
  /** False: deliver the backlog, then end the subscription. */
  readonly follow: boolean;
}
