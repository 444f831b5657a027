// One listener's audited reads, one per target (one auditID each, as libs/audit shapes them): a
// read opens with its subscribe and allow events when the listener may first read the target,
// is refused with subscribe and deny, and closes with a revocation when a re-check flips it to
// deny, or with a stream end (counting what it delivered) when the target or the listener goes.
// A decision that changes nothing records nothing: re-checks repeat them every interval.
import {
  accessDecisionEvent,
  type AuditConnection,
  type AuditRecorder,
  type AuditSubject,
  type AuditTarget,
  type AuditedRequest,
  newAuditId,
  type PodLogAuditOptions,
  revocationEvent,
  streamEndEvent,
  subscribeEvent,
} from '@tailgate/audit';
import type { WireTarget } from '@tailgate/contracts';
import { EVENTS_CONTAINER, isNodeLogTarget, isObjectEventsTarget } from '@tailgate/plugin-sdk';

import { fromWireTarget } from '../model/bus-message';

/** A decision as the audit records it: which authorizer(s) decided, and why. */
export interface AuditedDecision {
  readonly result: 'allow' | 'conditional' | 'deny';
  readonly authorizer?: string;
  readonly reason?: string;
}

/** What happened to a target's read; `auditID` is the read's, for the log line. */
export type AuditedChange =
  | { readonly kind: 'opened' | 'refused' | 'revoked'; readonly auditID: string }
  | { readonly kind: 'unchanged'; readonly auditID: string | undefined };

export interface ListenerAudit {
  /** False for the shared instance used when nothing is recorded: delivery then counts nothing. */
  readonly active: boolean;
  /** `key` names the read: a target key, or anything else the listener reads as a whole (the Flow it taps). */
  decided(key: string, target: AuditTarget, decision: AuditedDecision): AuditedChange;
  /** Records and bytes delivered to the listener of target `key` (one add per batch and target). */
  credit(key: string, records: number, bytes: number): void;
  /** The target's read ended otherwise than by a revocation. */
  ended(key: string, reason: string): void;
  /** Every open read ends: the listener left, and a decision still on its way records nothing. */
  endAll(reason: string): void;
  /** Every open read is revoked: the subscription (source check) or the session was withdrawn. */
  revokeAll(revocation: Revocation): void;
}

/** Who withdrew access mid-stream, and why. */
export interface Revocation {
  readonly authorizer?: string;
  readonly reason?: string;
}

interface OpenRead {
  readonly request: AuditedRequest;
  records: number;
  bytes: number;
}

export interface ListenerOrigin {
  readonly subject: AuditSubject;
  readonly connection: AuditConnection;
  readonly logOptions: PodLogAuditOptions;
}

export class RecordingListenerAudit implements ListenerAudit {
  readonly active = true;
  private readonly open = new Map<string, OpenRead>();
  /** Targets last decided deny, with the auditID of that refusal or revocation. */
  private readonly refused = new Map<string, string>();
  private left = false;

  constructor(
    private readonly recorder: AuditRecorder,
    private readonly origin: ListenerOrigin,
    private readonly now: () => Date,
  ) {}

  decided(key: string, target: AuditTarget, decision: AuditedDecision): AuditedChange {
    if (this.left) return { kind: 'unchanged', auditID: undefined };
    const open = this.open.get(key);
    if (decision.result === 'deny') {
      if (open) return this.revoke(key, open, decision);
      const refusedAs = this.refused.get(key);
      if (refusedAs !== undefined) return { kind: 'unchanged', auditID: refusedAs };
      const request = this.request(target);
      this.recordRequest(request, decision);
      this.refused.set(key, request.auditID);
      return { kind: 'refused', auditID: request.auditID };
    }
    if (open) return { kind: 'unchanged', auditID: open.request.auditID };
    this.refused.delete(key);
    const request = this.request(target);
    this.open.set(key, { request, records: 0, bytes: 0 });
    this.recordRequest(request, decision);
    return { kind: 'opened', auditID: request.auditID };
  }

  credit(key: string, records: number, bytes: number): void {
    const read = this.open.get(key);
    if (!read) return;
    read.records += records;
    read.bytes += bytes;
  }

  ended(key: string, reason: string): void {
    this.refused.delete(key);
    const read = this.open.get(key);
    if (!read) return;
    this.open.delete(key);
    this.recorder.record(streamEndEvent(read.request, { reason, delivered: read }, this.now()));
  }

  endAll(reason: string): void {
    this.left = true;
    for (const key of [...this.open.keys()]) this.ended(key, reason);
  }

  revokeAll(revocation: Revocation): void {
    for (const [key, read] of [...this.open]) this.revoke(key, read, revocation);
  }

  private revoke(key: string, read: OpenRead, revocation: Revocation): AuditedChange {
    this.open.delete(key);
    this.refused.set(key, read.request.auditID);
    const delivered = { records: read.records, bytes: read.bytes };
    this.recorder.record(revocationEvent(read.request, { ...revocation, delivered }, this.now()));
    return { kind: 'revoked', auditID: read.request.auditID };
  }

  private recordRequest(request: AuditedRequest, decision: AuditedDecision): void {
    this.recorder.record(subscribeEvent(request, request.receivedAt));
    this.recorder.record(accessDecisionEvent(request, decision, this.now()));
  }

  private request(target: AuditTarget): AuditedRequest {
    const { subject, connection, logOptions } = this.origin;
    return { auditID: newAuditId(), receivedAt: this.now(), subject, connection, target, logOptions };
  }
}

/** Nothing recorded, nothing counted: one shared instance for every listener when auditing is off. */
export const UNAUDITED: ListenerAudit = {
  active: false,
  decided: () => ({ kind: 'unchanged', auditID: undefined }),
  credit: () => undefined,
  ended: () => undefined,
  endAll: () => undefined,
  revokeAll: () => undefined,
};

/** A wire target as the apiserver names the read: a node's own logs, else a pod's container. */
export function auditTargetOf(target: WireTarget): AuditTarget {
  const ref = fromWireTarget(target);
  if (isNodeLogTarget(ref)) return { kind: 'node', node: ref.node };
  // kube-events: a pod's Events are the pod with the container `Events`, another object's are
  // `<kind>[.<group>]:<name>` in place of the pod (see objectEventsTarget).
  if (isObjectEventsTarget(ref)) return { kind: 'events', namespace: target.ns, regarding: target.pod };
  if (target.container === EVENTS_CONTAINER) return { kind: 'events', namespace: target.ns, regarding: `pod:${target.pod}` };
  return { kind: 'pod', namespace: target.ns, pod: target.pod, container: target.container };
}
