import { describe, expect, it } from 'vitest';

import { FANOUT_EVENTS, FANOUT_OPENED, FANOUT_PHASE_KINDS, type FanoutPhaseKind, type FanoutStep, fanoutStep } from './fanout-phase';

/** Every phase × every event: where it goes and what is done, `-` where the event does not apply. */
const TABLE: Record<FanoutPhaseKind, readonly (FanoutStep | '-')[]> = {
  //      joined                                       last-left                                  grace-ended                         shutdown
  idle: [
    { next: 'in-use', actions: ['cancel-grace'] },
    '-',
    { next: 'closed', actions: ['close'] },
    { next: 'closed', actions: ['cancel-grace', 'close'] },
  ],
  'in-use': ['-', { next: 'idle', actions: ['start-grace'] }, '-', { next: 'closed', actions: ['close'] }],
  closed: ['-', '-', '-', '-'],
};

describe('fanoutStep', () => {
  it.each(FANOUT_PHASE_KINDS.flatMap((kind) => FANOUT_EVENTS.map((event, i) => [kind, event, TABLE[kind][i]] as const)))(
    '%s + %s → %j',
    (kind, event, expected) => {
      expect(fanoutStep(kind, event) ?? '-').toEqual(expected);
    },
  );

  it('starts a new fan-out idle with its grace running, so one nobody joined closes too', () => {
    expect(FANOUT_OPENED).toEqual({ next: 'idle', actions: ['start-grace'] });
    expect(fanoutStep(FANOUT_OPENED.next, 'grace-ended')).toEqual({ next: 'closed', actions: ['close'] });
  });

  it('cancels the grace of an idle spell whenever it ends, so only the latest spell can close the fan-out', () => {
    // Each way out of idle but its own grace ending cancels the timer; a grace that ended while in use does nothing.
    for (const event of FANOUT_EVENTS.filter((e) => e !== 'grace-ended')) {
      const step = fanoutStep('idle', event);
      if (step && step.next !== 'idle') expect(step.actions).toContain('cancel-grace');
    }
    expect(fanoutStep('in-use', 'grace-ended')).toBeUndefined();
  });

  it('closes a fan-out once, whatever comes after', () => {
    const closes = FANOUT_PHASE_KINDS.flatMap((kind) => FANOUT_EVENTS.map((event) => fanoutStep(kind, event))).filter((step) =>
      step?.actions.includes('close'),
    );
    for (const step of closes) expect(step?.next).toBe('closed');
    for (const event of FANOUT_EVENTS) expect(fanoutStep('closed', event)).toBeUndefined();
  });
});
