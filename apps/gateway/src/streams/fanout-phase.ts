// A stream's fan-out on this replica, as the subscription service keeps it: its phase is one
// explicit field with a pure transition function (state + event → state + actions):
//
//   idle ──joined──► in-use ──last-left──► idle ──grace-ended──► closed
//   idle | in-use ──shutdown──► closed
//
// idle: no listener; it closes when its grace period ends unless someone joins first. A new
// fan-out starts idle, so one whose first subscriber never registered (its connection closed
// meanwhile) closes too. Every idle spell has a grace timer of its own, cancelled on joining: the
// timer of an earlier spell must never close the fan-out, or the upstream (whose claim counts its
// grace from the latest spell) runs on with no fan-out to hear it, and a fan-out opened next never
// learns the targets it announced long ago.
export type FanoutPhaseKind = 'idle' | 'in-use' | 'closed';
export const FANOUT_PHASE_KINDS = ['idle', 'in-use', 'closed'] as const satisfies readonly FanoutPhaseKind[];

export type FanoutPhase =
  { readonly kind: 'idle'; readonly grace: NodeJS.Timeout } | { readonly kind: 'in-use' } | { readonly kind: 'closed' };

export type FanoutEvent = 'joined' | 'last-left' | 'grace-ended' | 'shutdown';
export const FANOUT_EVENTS = ['joined', 'last-left', 'grace-ended', 'shutdown'] as const satisfies readonly FanoutEvent[];

/** What the shell does on a transition, in this order. */
export type FanoutAction = 'cancel-grace' | 'start-grace' | 'close';

export interface FanoutStep {
  readonly next: FanoutPhaseKind;
  readonly actions: readonly FanoutAction[];
}

/** A fan-out that was just opened: idle until its first listener joins. */
export const FANOUT_OPENED: FanoutStep = { next: 'idle', actions: ['start-grace'] };

/** Where an event moves a fan-out, and what to do; undefined when the event does not apply there. */
export function fanoutStep(kind: FanoutPhaseKind, event: FanoutEvent): FanoutStep | undefined {
  if (kind === 'closed') return undefined;
  switch (event) {
    case 'joined':
      return kind === 'idle' ? { next: 'in-use', actions: ['cancel-grace'] } : undefined;
    case 'last-left':
      return kind === 'in-use' ? { next: 'idle', actions: ['start-grace'] } : undefined;
    case 'grace-ended':
      return kind === 'idle' ? { next: 'closed', actions: ['close'] } : undefined;
    case 'shutdown':
      return { next: 'closed', actions: kind === 'idle' ? ['cancel-grace', 'close'] : ['close'] };
  }
}
