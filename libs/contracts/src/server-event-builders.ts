// One constructor per server event: each copies exactly the contract's fields, so an object that
// merely fits a type (a record where a target is meant) can never carry more onto the wire.
// Record batches are the exception by design: their records are built field by field where they
// enter the gateway (from a source, or checked key by key off the bus) and sent as they are.
import type { WireError } from './error-codes';
import type {
  DeniedEvent,
  DeniedReason,
  DroppedEvent,
  EndedEvent,
  EndReason,
  GapCount,
  GapEvent,
  GapReason,
  HiddenEvent,
  RecordsEvent,
  TargetEndReason,
  TargetEvent,
  WireRecord,
  WireTarget,
} from './server-events';

/** The target fields of anything that names a target (a target, or a record), and nothing else. */
export function wireTarget(from: WireTarget): WireTarget {
  const { ns, pod, container, node } = from;
  return node === undefined ? { ns, pod, container } : { ns, pod, container, node };
}

/** `batch` must hold records built as wire records (see the file header), never other objects. */
export function recordsEvent(sub: string, batch: readonly WireRecord[]): RecordsEvent {
  return { sub, batch };
}

export function targetAddedEvent(sub: string, target: WireTarget): TargetEvent {
  return { sub, op: 'added', target: wireTarget(target) };
}

export function targetRemovedEvent(sub: string, target: WireTarget, reason: TargetEndReason | undefined): TargetEvent {
  return reason === undefined
    ? { sub, op: 'removed', target: wireTarget(target) }
    : { sub, op: 'removed', target: wireTarget(target), reason };
}

export function deniedEvent(sub: string, target: WireTarget, reason: DeniedReason): DeniedEvent {
  return { sub, target: wireTarget(target), reason };
}

export function hiddenEvent(sub: string, count: number): HiddenEvent {
  return { sub, count };
}

export function droppedEvent(sub: string, count: number): DroppedEvent {
  return { sub, count };
}

export function gapEvent(sub: string, reason: GapReason, missed: readonly GapCount[] | undefined): GapEvent {
  if (missed === undefined) return { sub, reason };
  return { sub, reason, missed: missed.map(({ target, count }) => ({ target: wireTarget(target), count })) };
}

export function endedEvent(sub: string, reason: EndReason): EndedEvent {
  return { sub, reason };
}

/** An error acknowledgement; `details` only when the error carries some. */
export function errorAck(error: WireError): { readonly ok: false; readonly error: WireError } {
  const { code, message, details } = error;
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}
