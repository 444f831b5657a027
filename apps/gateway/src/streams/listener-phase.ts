// A listener's phase on one stream, as one explicit field with a pure transition function:
//
//   onboarding ──backlog-sent, nothing left to skip──► live
//   onboarding ──backlog-sent, floors left─────────► catching-up ──floors-passed | catch-up-expired──► live
//   onboarding | catching-up | live ──left──► ended
//
// onboarding: its backlog is read and sent; live batches are held for it meanwhile (when it
// follows) and gaps found meanwhile wait for it. catching-up: live, but served on its own until
// the live stream is past what its backlog or resume cursors already covered (its floors). live:
// a member of a permission-class room. ended: gone; nothing more is sent to it.
import type { GapEvent, WireRecord } from '@tailgate/contracts';

import type { DeliveryFloors } from './delivery-floors';
import type { SlowLane } from './slow-lane';

export type ListenerPhase =
  | {
      readonly kind: 'onboarding';
      /** Live batches held while its backlog is sent, bounded like a slow lane (oldest dropped, reported with `dropped`). */
      readonly held: SlowLane<WireRecord[]>;
      /** Gaps found while its backlog was read; sent before the held batches. */
      readonly gaps: GapEvent[];
    }
  | {
      readonly kind: 'catching-up';
      /** Per target, the cursor up to which the live stream would repeat what it has. */
      readonly floors: DeliveryFloors;
      /** Puts it live after `CATCH_UP_LIMIT_MS` even if the live stream never passes a floor. */
      readonly timer: NodeJS.Timeout;
    }
  | { readonly kind: 'live' }
  | { readonly kind: 'ended' };

export type PhaseKind = ListenerPhase['kind'];
export const PHASE_KINDS = ['onboarding', 'catching-up', 'live', 'ended'] as const satisfies readonly PhaseKind[];

export type PhaseEvent =
  | { readonly type: 'backlog-sent'; readonly floorsLeft: boolean }
  | { readonly type: 'floors-passed' }
  | { readonly type: 'catch-up-expired' }
  | { readonly type: 'left' };

/** The phase an event moves a listener to; undefined when the event does not apply there (nothing changes). */
export function nextPhase(kind: PhaseKind, event: PhaseEvent): PhaseKind | undefined {
  if (kind === 'ended') return undefined;
  switch (event.type) {
    case 'left':
      return 'ended';
    case 'backlog-sent':
      if (kind !== 'onboarding') return undefined;
      return event.floorsLeft ? 'catching-up' : 'live';
    case 'floors-passed':
    case 'catch-up-expired':
      return kind === 'catching-up' ? 'live' : undefined;
  }
}
