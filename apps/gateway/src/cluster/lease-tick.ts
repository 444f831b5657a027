// What one lease step (the TICK script) answered, parsed once where it leaves Redis.
import { z } from 'zod';

import { HOLDER_FIELD } from './stream-lease-keys';

/** A lease this replica holds: its value in Redis and its fencing token. */
export interface StreamLease {
  readonly value: string;
  readonly token: number;
}

export type LeaseTick =
  | {
      readonly state: 'acquired';
      readonly lease: StreamLease;
      /** Replicas with demand, this one included. */
      readonly demand: number;
      /** Another replica was running the stream (it died or shut down) and did not end it. */
      readonly handover: boolean;
      /** The last cursor the previous holder published, per target key. */
      readonly lastCursors: ReadonlyMap<string, string>;
    }
  | { readonly state: 'held' | 'lost' | 'busy' | 'idle'; readonly demand: number };

const TickReplySchema = z
  .tuple([z.enum(['acquired', 'held', 'lost', 'busy', 'idle']), z.number().int().min(0), z.number().int().min(0)])
  .rest(z.string());

export function parseLeaseTick(reply: unknown, replicaId: string): LeaseTick {
  const [state, token, demand, ...fields] = TickReplySchema.parse(reply);
  if (state !== 'acquired') return { state, demand };
  if (token < 1 || fields.length % 2 !== 0) throw new RangeError('malformed lease acquisition reply');
  const lastCursors = new Map<string, string>();
  let handover = false;
  for (let i = 0; i < fields.length; i += 2) {
    const [field, value] = [fields[i] as string, fields[i + 1] as string];
    if (field === HOLDER_FIELD) handover = true;
    else lastCursors.set(field, value);
  }
  return { state, lease: { value: `${replicaId}:${token}`, token }, demand, handover, lastCursors };
}
