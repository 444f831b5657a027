// One socket's subscription to one stream, as the fan-out tracks it.
import type { RecordOrder, WireRecord } from '@tailgate/contracts';
import type { BacklogOptions, Subject } from '@tailgate/plugin-sdk';

import type { ListenerAudit } from '../audit/listener-audit';
import type { LogsSocket } from '../wire/logs-socket';
import type { ListenerPhase } from './listener-phase';
import type { ClassMember } from './permission-classes';
import type { RecordMask } from './record-mask';
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
  /** Where it is: onboarding, catching up, live or ended (see listener-phase.ts). */
  phase: ListenerPhase;
  classKey: string | undefined;
  /** Whether it holds a reference on the upstream (follow), released when it leaves. */
  readonly follows: boolean;
  /** Its audited reads, one per target (an inert shared one when auditing is off). */
  readonly audit: ListenerAudit;
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
  /** Its redaction, on every path its records take (live, backlog, held, catch-up). */
  readonly mask: RecordMask;
  /** False: deliver the backlog, then end the subscription. */
  readonly follow: boolean;
  readonly audit: ListenerAudit;
}

/** Whether the listener may read this record of target `key` (its target access and its scopes). */
export function mayRead(listener: StreamListener, key: string, record: WireRecord): boolean {
  const access = listener.access.get(key);
  if (!access?.allowed) return false;
  return (access.predicate === PASS || access.predicate(record)) && (listener.scopePredicate === PASS || listener.scopePredicate(record));
}
