// leaseStep: every phase against every event (a table; what it leaves out changes nothing), then
// the lease's life in the sequences that matter: acquiring, renewing, idling out, losing it,
// handing it back, ending the stream, and shutting down while an I/O is in flight.
import { describe, expect, it } from 'vitest';

import {
  type HeldLease,
  initialLeaseState,
  type LeaseAction,
  type LeaseEvent,
  type LeasePhase,
  type LeaseState,
  type LeaseStep,
  leaseValid,
} from './lease-state';
import { leaseStep } from './lease-step';
import type { LeaseTick, StreamLease } from './lease-tick';

const timing = { leaseTtlMs: 900, idleGraceMs: 300 };
const L: StreamLease = { value: 'r1:7', token: 7 };
const L2: StreamLease = { value: 'r1:8', token: 8 };
const CURSORS = new Map([['team-a/api-1/api', '01-0000000003']]);
const NOW = 1_500;
const held = (over: Partial<HeldLease> = {}): HeldLease => ({ lease: L, validUntil: 1_900, running: true, idleSince: undefined, ...over });
const facts = { timing, wanted: true, askForTargets: false, ended: false, next: 'none', failing: false } as const;

const PHASES: Record<LeasePhase['phase'], LeaseState> = {
  idle: { ...facts, phase: 'idle' },
  acquiring: { ...facts, phase: 'acquiring', sentAt: 1_000 },
  asking: { ...facts, phase: 'asking' },
  starting: { ...facts, phase: 'starting', held: held({ running: false }), demand: 1, resumeAfter: CURSORS },
  holding: { ...facts, phase: 'holding', held: held() },
  renewing: { ...facts, phase: 'renewing', held: held(), sentAt: 1_000 },
  releasing: { ...facts, phase: 'releasing', held: held(), release: 'idle' },
  'handing-over': { ...facts, phase: 'handing-over', held: held(), closed: false },
  closed: { ...facts, phase: 'closed' },
  stopped: { ...facts, phase: 'stopped' },
};

const acquired = (handover = false): LeaseTick => ({ state: 'acquired', lease: L2, demand: 1, handover, lastCursors: CURSORS });
const ticked = (tick: LeaseTick, now = NOW): LeaseEvent => ({ type: 'ticked', tick, now });
const error = new Error('connection lost');

const EVENTS = {
  beat: { type: 'beat', now: NOW },
  want: { type: 'want', wanted: true, now: NOW },
  unwant: { type: 'want', wanted: false, now: NOW },
  'upstream-ended': { type: 'upstream-ended', lease: L, reason: 'complete', now: NOW },
  'ticked acquired': ticked(acquired()),
  'ticked busy': ticked({ state: 'busy', demand: 1 }),
  'ticked idle': ticked({ state: 'idle', demand: 0 }),
  'ticked held': ticked({ state: 'held', demand: 1 }),
  'ticked lost': ticked({ state: 'lost', demand: 1 }),
  released: { type: 'released', outcome: 'released', now: NOW },
  'released not_ours': { type: 'released', outcome: 'not_ours', now: NOW },
  'released wanted': { type: 'released', outcome: 'wanted', now: NOW },
  hearing: { type: 'hearing', now: NOW },
  asked: { type: 'asked', now: NOW },
  failed: { type: 'failed', error, now: NOW },
  'background-failed': { type: 'background-failed', operation: 'record cursors', error },
  stop: { type: 'stop' },
  'handed-over': { type: 'handed-over', error: undefined },
} satisfies Record<string, LeaseEvent>;

const DROP = 'stop-hearing, cancel-idle-check, note(dropped)';
const LOSE = `note(lost), ${DROP}, stop-upstream`;

/** What each phase does with each event; a combination left out must leave the state as it is, with no action. */
const TABLE: Record<LeasePhase['phase'], Partial<Record<keyof typeof EVENTS, string>>> = {
  idle: {
    beat: 'acquiring: tick(want)',
    want: 'acquiring: tick(want)',
    unwant: 'acquiring: tick(unwant)',
    'background-failed': 'idle: report(record cursors)',
    stop: 'handing-over: hand-over(withdraw)',
  },
  acquiring: {
    ...waiting('acquiring'),
    'ticked acquired': 'starting: note(acquired), hear-requests',
    'ticked busy': 'idle',
    'ticked idle': 'idle',
    'ticked held': 'idle',
    'ticked lost': 'idle',
    failed: 'idle: report(lease step)',
  },
  asking: { ...waiting('asking'), asked: 'idle', failed: 'idle: report(lease step)' },
  starting: {
    ...waiting('starting', true),
    'upstream-ended': 'starting then step',
    hearing: 'holding: start-upstream(7)',
    failed: 'holding: report(lease step)',
  },
  holding: {
    beat: 'renewing: tick(want, 7)',
    want: 'renewing: announce, tick(want, 7)',
    unwant: 'renewing: tick(unwant, 7)',
    'upstream-ended': 'releasing: release(7, forget)',
    'background-failed': 'holding: report(record cursors)',
    stop: 'handing-over: hand-over(7, withdraw)',
  },
  renewing: {
    ...waiting('renewing', true),
    'upstream-ended': 'renewing then step',
    'ticked acquired': `idle: ${LOSE}`,
    'ticked busy': `idle: ${LOSE}`,
    'ticked idle': `idle: ${LOSE}`,
    'ticked held': 'holding',
    'ticked lost': `idle: ${LOSE}`,
    failed: 'holding: report(lease step)',
  },
  releasing: {
    ...waiting('releasing', true),
    'upstream-ended': 'releasing then step',
    released: `idle: ${DROP}, stop-upstream`,
    'released not_ours': `idle: ${LOSE}`,
    'released wanted': 'holding: cancel-idle-check',
    failed: 'holding: report(lease step)',
  },
  'handing-over': {
    want: 'handing-over: announce',
    unwant: 'handing-over',
    'background-failed': 'handing-over: report(record cursors)',
    'handed-over': `stopped: ${DROP}, close`,
  },
  closed: {
    want: 'closed',
    unwant: 'closed',
    'background-failed': 'closed: report(record cursors)',
    stop: 'handing-over: hand-over(withdraw)',
  },
  stopped: { want: 'stopped', unwant: 'stopped', 'background-failed': 'stopped: report(record cursors)' },
};

/** A phase waiting for its I/O: what comes due meanwhile waits too. */
function waiting(phase: string, holds = false): Partial<Record<keyof typeof EVENTS, string>> {
  return {
    beat: `${phase} then step`,
    want: `${phase} then step${holds ? ': announce' : ''}`,
    unwant: `${phase} then step`,
    'background-failed': `${phase}: report(record cursors)`,
    stop: `${phase} then stop`,
  };
}

function describeAction(action: LeaseAction): string {
  const args: (string | number | false | undefined)[] = [];
  if (action.do === 'tick') args.push(action.wants ? 'want' : 'unwant', action.held?.token);
  if (action.do === 'release') args.push(action.lease.token, action.forget && 'forget', action.ifIdle && 'if idle');
  if (action.do === 'hand-over') args.push(action.lease?.token, action.withdraw && 'withdraw');
  if (action.do === 'start-upstream') args.push(action.lease.token);
  if (action.do === 'check-idle') args.push(action.inMs);
  if (action.do === 'note') args.push(action.what);
  if (action.do === 'report') args.push(action.operation);
  const shown = args.filter((arg) => arg !== undefined && arg !== false);
  return shown.length === 0 ? action.do : `${action.do}(${shown.join(', ')})`;
}

function summary({ state, actions }: LeaseStep): string {
  const phase = state.next === 'none' ? state.phase : `${state.phase} then ${state.next}`;
  return actions.length === 0 ? phase : `${phase}: ${actions.map(describeAction).join(', ')}`;
}

/** Feeds the events one after the other: the last state and every action, in order. */
function play(state: LeaseState, ...events: LeaseEvent[]): { state: LeaseState; actions: LeaseAction[] } {
  const actions: LeaseAction[] = [];
  for (const event of events) {
    const step = leaseStep(state, event);
    state = step.state;
    actions.push(...step.actions);
  }
  return { state, actions };
}

const phaseOf = (state: LeaseState, phase: LeasePhase['phase']) => expect(state.phase).toBe(phase);

describe('leaseStep, every phase against every event', () => {
  for (const [phase, state] of Object.entries(PHASES)) {
    for (const [name, event] of Object.entries(EVENTS)) {
      const expected = TABLE[phase as LeasePhase['phase']][name as keyof typeof EVENTS];
      it(`${phase} × ${name}: ${expected ?? 'nothing changes'}`, () => {
        const step = leaseStep(state, event);
        if (expected !== undefined) return expect(summary(step)).toBe(expected);
        expect(step.state).toBe(state);
        expect(step.actions).toEqual([]);
      });
    }
  }
});

describe('leaseStep, the life of a lease', () => {
  const start = initialLeaseState(timing);

  it('tries for the lease when listeners come, and starts the upstream after it hears announce requests, resuming after the last holder', () => {
    const { state, actions } = play(start, { type: 'want', wanted: true, now: 1_000 }, ticked(acquired(true), 1_200), EVENTS.hearing);
    expect(actions).toEqual([
      { do: 'tick', wants: true, held: undefined },
      { do: 'note', what: 'acquired' },
      { do: 'note', what: 'took-over' },
      { do: 'hear-requests' },
      { do: 'start-upstream', lease: L2, resumeAfter: CURSORS },
    ]);
    // Valid for a TTL from when the tick was sent, not from when it was answered.
    expect(state).toMatchObject({ phase: 'holding', held: { lease: L2, validUntil: 1_900, running: true } });
    expect(leaseValid(state, L2, 1_899)).toBe(true);
    expect(leaseValid(state, L2, 1_900)).toBe(false);
    expect(leaseValid(state, L, 1_000)).toBe(false);
  });

  it('asks the holder for its targets once when listeners come while another replica holds the stream', () => {
    const busy = ticked({ state: 'busy', demand: 2 });
    const asked = play(start, EVENTS.want, busy, EVENTS.asked);
    expect(asked.actions.map(describeAction)).toEqual(['tick(want)', 'ask-for-targets']);
    phaseOf(asked.state, 'idle');
    expect(play(asked.state, EVENTS.beat, busy).actions.map(describeAction)).toEqual(['tick(want)']);
  });

  it('renews on every beat, each renewal extending the lease from its own send time', () => {
    const { state, actions } = play(PHASES.holding, { type: 'beat', now: 2_000 }, ticked({ state: 'held', demand: 1 }, 2_600));
    expect(actions).toEqual([{ do: 'tick', wants: true, held: L }]);
    expect(state).toMatchObject({ phase: 'holding', held: { validUntil: 2_900 } });
  });

  it('gives the lease back a grace period after no replica has demand, unless demand comes back', () => {
    const noDemand = (now: number) => [{ type: 'beat', now } as const, ticked({ state: 'held', demand: 0 }, now)];
    const idle = play(PHASES.holding, ...noDemand(2_000));
    expect(idle.actions.at(-1)).toEqual({ do: 'check-idle', inMs: 300 });
    expect(idle.state).toMatchObject({ phase: 'holding', held: { idleSince: 2_000 } });
    // Still within the grace period: the check is set for what is left of it.
    expect(play(idle.state, ...noDemand(2_100)).actions.at(-1)).toEqual({ do: 'check-idle', inMs: 200 });
    const back = play(idle.state, EVENTS.beat, ticked({ state: 'held', demand: 1 }));
    expect(back.actions.at(-1)).toEqual({ do: 'cancel-idle-check' });
    expect(back.state).toMatchObject({ phase: 'holding', held: { idleSince: undefined } });
    const over = play({ ...idle.state, wanted: false }, ...noDemand(2_300));
    expect(over.actions.at(-1)).toEqual({ do: 'release', lease: L, forget: true, ifIdle: true });
    const stopped = play(over.state, { type: 'released', outcome: 'released', now: 2_310 });
    expect(stopped.actions.map(describeAction)).toEqual(['stop-hearing', 'cancel-idle-check', 'note(dropped)', 'stop-upstream', 'close']);
    phaseOf(stopped.state, 'closed');
  });

  it('keeps the upstream through a Redis outage only until the lease would have expired, and reports the outage once', () => {
    const failed = (now: number): LeaseEvent => ({ type: 'failed', error, now });
    const early = play(PHASES.holding, { type: 'beat', now: 1_600 }, failed(1_700), { type: 'beat', now: 1_800 }, failed(1_899));
    expect(early.actions.map(describeAction)).toEqual(['tick(want, 7)', 'report(lease step)', 'tick(want, 7)']);
    phaseOf(early.state, 'holding');
    const late = play(early.state, { type: 'beat', now: 1_900 }, failed(1_900));
    expect(late.actions.map(describeAction)).toEqual(['tick(want, 7)', ...LOSE.split(', ')]);
    phaseOf(late.state, 'idle');
    // Redis answers again: the next outage is reported again.
    const again = play(late.state, EVENTS.beat, EVENTS['ticked busy'], EVENTS.beat, failed(NOW));
    expect(again.actions.map(describeAction)).toEqual(['tick(want)', 'tick(want)', 'report(lease step)']);
  });

  it('hands the lease back, keeping the resume point, when its upstream stopped because the lease looked expired', () => {
    const stopped = play(PHASES.holding, { ...EVENTS['upstream-ended'], reason: 'shutdown' });
    expect(stopped.actions).toEqual([]);
    const { state, actions } = play(stopped.state, EVENTS.beat, EVENTS['ticked held'], EVENTS.released);
    expect(actions.map(describeAction)).toEqual(['tick(want, 7)', 'release(7)', 'note(handed-back)', ...DROP.split(', ')]);
    phaseOf(state, 'idle');
  });

  it('ends the stream for every replica when the upstream ended by itself, even with listeners here, and retries a failed release', () => {
    const ending = play(PHASES.holding, EVENTS['upstream-ended'], EVENTS.failed, EVENTS.beat);
    expect(ending.actions.map(describeAction)).toEqual(['release(7, forget)', 'report(lease step)', 'release(7, forget)']);
    const { state, actions } = play(ending.state, EVENTS.released);
    expect(actions.map(describeAction)).toEqual([...DROP.split(', '), 'close']);
    phaseOf(state, 'closed');
    // A lease lost meanwhile: there is nothing to give back.
    expect(summary(leaseStep({ ...PHASES.idle, ended: true }, EVENTS.beat))).toBe('closed: close');
  });

  it('ignores the end of an upstream that ran on an earlier lease', () => {
    const state = PHASES.holding;
    expect(leaseStep(state, { ...EVENTS['upstream-ended'], lease: L2 }).state).toBe(state);
  });

  it('runs one I/O at a time: a step that came due meanwhile starts once the answer is in, with its own send time', () => {
    const { state, actions } = play(PHASES.holding, EVENTS.beat, { type: 'beat', now: 1_600 }, ticked({ state: 'held', demand: 1 }, 1_700));
    expect(actions.map(describeAction)).toEqual(['tick(want, 7)', 'tick(want, 7)']);
    expect(state).toMatchObject({ phase: 'renewing', sentAt: 1_700, next: 'none' });
  });

  it('closes once there is nothing left to do here: no listeners and no lease', () => {
    const { state, actions } = play(start, EVENTS.want, EVENTS.unwant, EVENTS['ticked busy']);
    expect(actions).toEqual([{ do: 'tick', wants: true, held: undefined }, { do: 'close' }]);
    phaseOf(state, 'closed');
    const released = play({ ...PHASES.releasing, wanted: false }, EVENTS.released);
    expect(released.actions.at(-1)).toEqual({ do: 'close' });
  });

  it('on shutdown, lets the I/O in flight finish, starts nothing new, then hands the lease over', () => {
    const whileAcquiring = play(PHASES.acquiring, EVENTS.stop, ticked(acquired()));
    expect(whileAcquiring.actions.map(describeAction)).toEqual(['note(acquired)', 'hand-over(8, withdraw)']);
    const whileStarting = play(PHASES.starting, EVENTS.stop, EVENTS.beat, EVENTS.hearing);
    expect(whileStarting.actions.map(describeAction)).toEqual(['hand-over(7, withdraw)']);
    // A renewal that finds the grace period over still gives the lease back before the hand-over.
    const graceOver = { ...PHASES.renewing, held: held({ idleSince: 1_000 }) };
    const whileRenewing = play(graceOver, EVENTS.stop, ticked({ state: 'held', demand: 0 }, 2_000));
    expect(whileRenewing.actions.map(describeAction)).toEqual(['release(7, forget, if idle)']);
    const { state, actions } = play(whileRenewing.state, EVENTS.released, EVENTS['handed-over']);
    expect(actions.map(describeAction)).toEqual([...DROP.split(', '), 'stop-upstream', 'hand-over(withdraw)', 'close']);
    phaseOf(state, 'stopped');
  });

  it('tells the supervisor it closed only once, and reports a failed hand-over', () => {
    const closed = play({ ...PHASES.closed, failing: false }, EVENTS.stop, { type: 'handed-over', error });
    expect(closed.actions.map(describeAction)).toEqual(['hand-over(withdraw)', 'report(hand over)']);
    phaseOf(closed.state, 'stopped');
    const unwanted = play({ ...PHASES.idle, wanted: false }, EVENTS.stop, EVENTS['handed-over']);
    expect(unwanted.actions.map(describeAction)).toEqual(['hand-over', 'close']);
    expect(leaseStep(unwanted.state, EVENTS.stop).state).toBe(unwanted.state);
  });
});
