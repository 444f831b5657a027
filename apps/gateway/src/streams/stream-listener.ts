// One socket's subscription to one stream, as the fan-out tracks it.
import type { GapEvent, RecordOrder, WireRecord } from '@tailgate/contracts';
import type { BacklogOptions, Subject } from '@tailgate/plugin-sdk';

import type { LogsSocket } from '../socket/logs-socket';
import type { DeliveryFloors } from './delivery-floors';
import type { ClassMember } from './permission-classes';
import type { SlowLane } from './slow-lane';
import { PASS, type TargetAccess, type WirePredicate } from './target-access';

export interface StreamListener extends ClassMember {
  readonly socket: LogsSocket;
  readonly subject: Subject;
  readonly access: Map<string, TargetAccess>;
  readonly scopePredicate: WirePredicate;
  readonly scopeSignature: string;
  /** Targets this listener was told it may not see; one `denied` (or one more `hidden`) each. */
  readonly deniedSent: Set<string>;
  /** Pods (`<ns>/<pod>`) its subscription named exactly: it may be told they are denied. */
  readonly namedPods: ReadonlySet<string>;
  /** How many targets it may neither read nor learn the names of, so far. */
  hiddenCount: number;
  /**
   * Live batches held while the listener's backlog is sent, bounded like a slow lane (oldest
   * dropped, reported with `dropped`); undefined once it is live.
   */
  held: SlowLane<WireRecord[]> | undefined;
  /** Gaps found while its backlog was read; sent before the held batches. */
  heldGaps: GapEvent[] | undefined;
  /**
   * While set, the live stream may still repeat records this listener has (its backlog ran ahead
   * of the stream, or it resumed): it is served on its own, outside any class, until the stream
   * is past every floor or `CATCH_UP_LIMIT_MS` passed.
   */
  floors: DeliveryFloors | undefined;
  catchUpTimer: NodeJS.Timeout | undefined;
  classKey: string | undefined;
  /** Whether it holds a reference on the upstream (follow), released when it leaves. */
  readonly follows: boolean;
}

export interface ListenerRequest {
  readonly socket: LogsSocket;
  readonly subject: Subject;
  readonly scopePredicate: WirePredicate;
  readonly scopeSignature: string;
  /** Pods (`<ns>/<pod>`) the subscription's scopes name exactly. */
  readonly namedPods: ReadonlySet<string>;
  /** Records before the live stream (tail / since / resume); undefined for none. */
  readonly backlog: BacklogOptions | undefined;
  readonly order: RecordOrder;
  /** False: deliver the backlog, then end the subscription. */
  readonly follow: boolean;
}

/** Whether the listener may read this record of target `key` (its target access and its scopes). */
export function mayRead(listener: StreamListener, key: string, record: WireRecord): boolean {
  const access = listener.access.get(key);
  if (!access?.allowed) return false;
  return (access.predicate === PASS || access.predicate(record)) && (listener.scopePredicate === PASS || listener.scopePredicate(record));
}
