import { describe, expect, it } from 'vitest';

import { nextPhase, PHASE_KINDS, type PhaseEvent, type PhaseKind } from './listener-phase';

const EVENTS: readonly PhaseEvent[] = [
  { type: 'backlog-sent', floorsLeft: false },
  { type: 'backlog-sent', floorsLeft: true },
  { type: 'floors-passed' },
  { type: 'catch-up-expired' },
  { type: 'left' },
];

const name = (event: PhaseEvent): string =>
  event.type === 'backlog-sent' ? `backlog-sent (floors left: ${event.floorsLeft})` : event.type;

/** Every phase × every event: where it goes, `-` where the event does not apply. */
const TABLE: Record<PhaseKind, readonly (PhaseKind | '-')[]> = {
  //             sent, no floors   sent, floors     floors-passed  catch-up-expired  left
  onboarding: ['live', 'catching-up', '-', '-', 'ended'],
  'catching-up': ['-', '-', 'live', 'live', 'ended'],
  live: ['-', '-', '-', '-', 'ended'],
  ended: ['-', '-', '-', '-', '-'],
};

describe('nextPhase', () => {
  it.each(PHASE_KINDS.flatMap((kind) => EVENTS.map((event, i) => [kind, name(event), event, TABLE[kind][i]] as const)))(
    '%s + %s → %s',
    (kind, _, event, expected) => {
      expect(nextPhase(kind, event) ?? '-').toBe(expected);
    },
  );

  it('reaches live from onboarding by every path, and nothing leaves ended', () => {
    const live = (kind: PhaseKind | undefined): boolean => kind === 'live';
    expect(live(nextPhase('onboarding', { type: 'backlog-sent', floorsLeft: false }))).toBe(true);
    const catching = nextPhase('onboarding', { type: 'backlog-sent', floorsLeft: true })!;
    expect(live(nextPhase(catching, { type: 'floors-passed' }))).toBe(true);
    expect(live(nextPhase(catching, { type: 'catch-up-expired' }))).toBe(true);
    for (const event of EVENTS) expect(nextPhase('ended', event)).toBeUndefined();
  });
});
