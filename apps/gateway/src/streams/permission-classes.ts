// Groups the listeners of one stream by what they may see, so a batch is filtered (and masked by
// the class's redaction) once per class and emitted once per class room — never once per
// listener. Listeners with the same access but different redaction are in different classes, so
// no one's masked or unmasked view reaches another. Pure bookkeeping; the caller joins and leaves
// Socket.IO rooms as `assign` says.
import { createHash } from 'node:crypto';

import type { RecordOrder, WireRecord } from '@tailgate/contracts';

import type { RecordMask } from './record-mask';
import { PASS, type TargetAccess, type WirePredicate } from './target-access';

export interface ClassMember {
  readonly id: string;
  /** Listeners that order records differently get their batches at different times: never one class. */
  readonly order: RecordOrder;
  readonly access: ReadonlyMap<string, TargetAccess>;
  readonly scopePredicate: WirePredicate;
  readonly scopeSignature: string;
  /** Its redaction; its signature is part of the class key. */
  readonly mask: RecordMask;
}

export interface PermissionClass {
  readonly key: string;
  readonly room: string;
  readonly order: RecordOrder;
  /** Live targets this class may see, each with its record predicate. */
  readonly allowed: ReadonlyMap<string, WirePredicate>;
  readonly scopePredicate: WirePredicate;
  /** What its members are shown of each line. */
  readonly mask: RecordMask;
  readonly members: Set<string>;
}

/** The class key of a member over the stream's live targets. */
export function classKeyOf(member: ClassMember, liveTargets: readonly string[]): string {
  const parts = [member.order, member.scopeSignature, member.mask.signature];
  for (const target of liveTargets) {
    const access = member.access.get(target);
    if (access?.allowed) parts.push(`${target}=${access.signature}`);
  }
  return createHash('sha1').update(parts.join('\n')).digest('base64url').slice(0, 16);
}

export function buildClass(key: string, room: string, member: ClassMember, liveTargets: readonly string[]): PermissionClass {
  const allowed = new Map<string, WirePredicate>();
  for (const target of liveTargets) {
    const access = member.access.get(target);
    if (access?.allowed) allowed.set(target, access.predicate);
  }
  const { order, scopePredicate, mask } = member;
  return { key, room, order, allowed, scopePredicate, mask, members: new Set([member.id]) };
}

/** The records of a batch this class may see; `keys[i]` is the target key of `records[i]`. */
export function filterForClass(records: readonly WireRecord[], keys: readonly string[], cls: PermissionClass): WireRecord[] {
  const out: WireRecord[] = [];
  for (let i = 0; i < records.length; i++) {
    const predicate = cls.allowed.get(keys[i] as string);
    const record = records[i] as WireRecord;
    if (predicate && (predicate === PASS || predicate(record)) && (cls.scopePredicate === PASS || cls.scopePredicate(record))) {
      out.push(record);
    }
  }
  return out;
}
