// One stream's lease on this replica as a pure transition (state + event → state + actions);
// leased-stream.ts runs the actions and feeds back what they answered. A replica with listeners
// registers its demand and tries for the lease on every beat; the holder starts the upstream,
// renews on the same beat and gives the lease back a grace period after no replica anywhere has
// demand. One I/O is in flight at a time: what becomes due meanwhile waits for it (`next`).
import type { UpstreamEndReason } from '../model/bus-message';
import type { HeldLease, LeaseAction, LeaseEvent, LeaseFacts, LeasePhase, LeaseRelease, LeaseState, LeaseStep } from './lease-state';
import { heldLease } from './lease-state';
import type { LeaseTick, StreamLease } from './lease-tick';
import type { ReleaseOutcome } from './redis-stream-leases';

type In<P extends LeasePhase['phase']> = Extract<LeaseState, { phase: P }>;

const RELEASES: Record<LeaseRelease, { forget: boolean; ifIdle: boolean }> = {
  idle: { forget: true, ifIdle: true },
  // The next holder resumes after the cursors this one published.
  'hand-back': { forget: false, ifIdle: false },
  end: { forget: true, ifIdle: false },
};

export function leaseStep(state: LeaseState, event: LeaseEvent): LeaseStep {
  switch (event.type) {
    case 'beat':
      return due(state, event.now);
    case 'want':
      return want(state, event.wanted, event.now);
    case 'upstream-ended':
      return upstreamEnded(state, event.lease, event.reason, event.now);
    case 'ticked':
      if (state.phase === 'acquiring') return acquireTicked(state, event.tick, event.now);
      return state.phase === 'renewing' ? renewTicked(state, event.tick, event.now) : same(state);
    case 'released':
      return state.phase === 'releasing' ? released(state, event.outcome, event.now) : same(state);
    case 'hearing':
      return state.phase === 'starting' ? hearing(state, event.now) : same(state);
    case 'asked':
      return state.phase === 'asking' ? closeIfDone(enter(state, { phase: 'idle' }), event.now) : same(state);
    case 'failed':
      return failed(state, event.error, event.now);
    case 'background-failed':
      return report(state, event.operation, event.error);
    case 'stop':
      return stop(state);
    case 'handed-over':
      return state.phase === 'handing-over' ? handedOver(state, event.error) : same(state);
  }
}

/** A step is due: it runs now, or once the I/O in flight is done. */
function due(state: LeaseState, now: number): LeaseStep {
  switch (state.phase) {
    case 'idle':
    case 'holding':
      return startStep(state, now);
    case 'handing-over':
    case 'closed':
    case 'stopped':
      return same(state);
    default:
      return state.next === 'none' ? same({ ...state, next: 'step' }) : same(state);
  }
}

function startStep(state: In<'idle' | 'holding'>, now: number): LeaseStep {
  if (state.phase === 'holding') {
    if (state.ended) return release(state, state.held, 'end');
    const tick: LeaseAction = { do: 'tick', wants: state.wanted, held: state.held.lease };
    return { state: enter(state, { phase: 'renewing', held: state.held, sentAt: now }), actions: [tick] };
  }
  if (state.ended) return close(state);
  return { state: enter(state, { phase: 'acquiring', sentAt: now }), actions: [{ do: 'tick', wants: state.wanted, held: undefined }] };
}

function want(state: LeaseState, wanted: boolean, now: number): LeaseStep {
  const held = heldLease(state) !== undefined;
  const step = due({ ...state, wanted, askForTargets: wanted && !held }, now);
  return wanted && held ? then([{ do: 'announce' }], step) : step;
}

function upstreamEnded(state: LeaseState, lease: StreamLease, reason: UpstreamEndReason, now: number): LeaseStep {
  const held = heldLease(state);
  if (held?.lease !== lease || state.phase === 'handing-over') return same(state);
  const stopped = { ...state, held: { ...held, running: false } } as LeaseState;
  // Stopped, it only saw its lease look expired; ended by itself, the stream is over.
  return reason === 'shutdown' ? same(stopped) : due({ ...stopped, ended: true }, now);
}

function acquireTicked(state: In<'acquiring'>, tick: LeaseTick, now: number): LeaseStep {
  const answered = { ...state, failing: false };
  if (tick.state === 'acquired') {
    const held: HeldLease = { lease: tick.lease, validUntil: state.sentAt + state.timing.leaseTtlMs, running: false, idleSince: undefined };
    const notes: LeaseAction[] = [{ do: 'note', what: 'acquired' }];
    if (tick.handover) notes.push({ do: 'note', what: 'took-over' });
    if (state.next === 'stop') return then(notes, settle(enter(answered, { phase: 'holding', held }), now));
    const starting = enter(answered, { phase: 'starting', held, demand: tick.demand, resumeAfter: tick.lastCursors });
    return { state: starting, actions: [...notes, { do: 'hear-requests' }] };
  }
  if (tick.state === 'busy' && state.askForTargets) {
    return { state: enter({ ...answered, askForTargets: false }, { phase: 'asking' }), actions: [{ do: 'ask-for-targets' }] };
  }
  // `idle`, or `busy` with nothing to ask (`held` and `lost` never answer a tick without a lease).
  return closeIfDone(enter(answered, { phase: 'idle' }), now);
}

function hearing(state: In<'starting'>, now: number): LeaseStep {
  if (state.next === 'stop') return settle(enter(state, { phase: 'holding', held: state.held }), now);
  const held = { ...state.held, running: true };
  return then([{ do: 'start-upstream', lease: held.lease, resumeAfter: state.resumeAfter }], checkDemand(state, held, state.demand, now));
}

function renewTicked(state: In<'renewing'>, tick: LeaseTick, now: number): LeaseStep {
  const answered = { ...state, failing: false };
  // `lost` (no other state answers a renewal): another replica may hold it by now.
  if (tick.state !== 'held') return lose(answered, now);
  const held = { ...state.held, validUntil: state.sentAt + state.timing.leaseTtlMs };
  // Its upstream stopped publishing (the lease looked expired): the next holder resumes properly.
  if (!held.running) return release(answered, held, 'hand-back');
  return checkDemand(answered, held, tick.demand, now);
}

/** No replica has demand: after the grace period the stream stops, unless demand came back meanwhile. */
function checkDemand(state: LeaseState, held: HeldLease, demand: number, now: number): LeaseStep {
  if (demand > 0) {
    const holding = enter(state, { phase: 'holding', held: { ...held, idleSince: undefined } });
    return held.idleSince === undefined ? settle(holding, now) : then([{ do: 'cancel-idle-check' }], settle(holding, now));
  }
  const idleSince = held.idleSince ?? now;
  const left = idleSince + state.timing.idleGraceMs - now;
  if (left <= 0) return release(state, { ...held, idleSince }, 'idle');
  return then([{ do: 'check-idle', inMs: left }], settle(enter(state, { phase: 'holding', held: { ...held, idleSince } }), now));
}

function release(state: LeaseState, held: HeldLease, why: LeaseRelease): LeaseStep {
  const action: LeaseAction = { do: 'release', lease: held.lease, ...RELEASES[why] };
  return { state: enter(state, { phase: 'releasing', held, release: why }), actions: [action] };
}

function released(state: In<'releasing'>, outcome: ReleaseOutcome, now: number): LeaseStep {
  if (state.release === 'end') return then(DROP, close(enter(state, { phase: 'idle' })));
  if (state.release === 'hand-back')
    return then([{ do: 'note', what: 'handed-back' }, ...DROP], closeIfDone(enter(state, { phase: 'idle' }), now));
  if (outcome === 'not_ours') return lose(state, now);
  if (outcome === 'released') return then([...DROP, { do: 'stop-upstream' }], closeIfDone(enter(state, { phase: 'idle' }), now));
  const holding = enter(state, { phase: 'holding', held: { ...state.held, idleSince: undefined } });
  return then([{ do: 'cancel-idle-check' }], settle(holding, now));
}

/** The I/O in flight failed: reported, and the step ends; the next beat tries again. */
function failed(state: LeaseState, error: unknown, now: number): LeaseStep {
  if (state.phase === 'idle' || state.phase === 'holding' || state.phase === 'handing-over') return same(state);
  if (state.phase === 'closed' || state.phase === 'stopped') return same(state);
  const reported = report(state, 'lease step', error);
  const held = heldLease(state);
  // Without word from Redis, the lease is only ours until it would have expired.
  if (state.phase === 'renewing' && held && now >= held.validUntil) return then(reported.actions, lose(reported.state, now));
  const rest = held ? enter(reported.state, { phase: 'holding', held }) : enter(reported.state, { phase: 'idle' });
  return then(reported.actions, settle(rest, now));
}

function lose(state: LeaseState, now: number): LeaseStep {
  const actions: LeaseAction[] = [{ do: 'note', what: 'lost' }, ...DROP, { do: 'stop-upstream' }];
  return then(actions, closeIfDone(enter(state, { phase: 'idle' }), now));
}

/** What letting go of a lease takes; nothing publishes after: its upstream's grant is void at once. */
const DROP: readonly LeaseAction[] = [{ do: 'stop-hearing' }, { do: 'cancel-idle-check' }, { do: 'note', what: 'dropped' }];

function stop(state: LeaseState): LeaseStep {
  switch (state.phase) {
    case 'idle':
    case 'holding':
    case 'closed':
      return handOver(state);
    case 'handing-over':
    case 'stopped':
      return same(state);
    default:
      return same(state.next === 'stop' ? state : { ...state, next: 'stop' });
  }
}

function handOver(state: LeaseState): LeaseStep {
  const held = heldLease(state);
  const handingOver = enter({ ...state, next: 'none' }, { phase: 'handing-over', held, closed: state.phase === 'closed' });
  return { state: handingOver, actions: [{ do: 'hand-over', lease: held?.lease, withdraw: state.wanted }] };
}

function handedOver(state: In<'handing-over'>, error: unknown): LeaseStep {
  const { state: reported, actions } = error === undefined ? same(state) : report(state, 'hand over', error);
  const after: LeaseAction[] = [...actions, ...(state.held ? DROP : []), ...(state.closed ? [] : [{ do: 'close' } as const])];
  return { state: enter(reported, { phase: 'stopped' }), actions: after };
}

/** The step is over here unless the claim has nothing left to do. */
function closeIfDone(state: In<'idle'>, now: number): LeaseStep {
  return state.wanted ? settle(state, now) : close(state);
}

function close(state: LeaseState): LeaseStep {
  const closed = enter({ ...state, next: 'none' }, { phase: 'closed' });
  return state.next === 'stop' ? then([{ do: 'close' }], handOver(closed)) : { state: closed, actions: [{ do: 'close' }] };
}

/** The I/O in flight is done: what became due meanwhile runs now. */
function settle(state: In<'idle' | 'holding'>, now: number): LeaseStep {
  if (state.next === 'stop') return handOver(state);
  return state.next === 'step' ? startStep({ ...state, next: 'none' }, now) : same(state);
}

/** Once per outage: errors repeat on every beat. */
function report(state: LeaseState, operation: string, error: unknown): LeaseStep {
  return state.failing ? same(state) : { state: { ...state, failing: true }, actions: [{ do: 'report', operation, error }] };
}

function enter<P extends LeasePhase>(state: LeaseFacts, phase: P): P & LeaseFacts {
  const { timing, wanted, askForTargets, ended, next, failing } = state;
  return { ...phase, timing, wanted, askForTargets, ended, next, failing };
}

function same(state: LeaseState): LeaseStep {
  return { state, actions: [] };
}

function then(actions: readonly LeaseAction[], step: LeaseStep): LeaseStep {
  return { state: step.state, actions: [...actions, ...step.actions] };
}
