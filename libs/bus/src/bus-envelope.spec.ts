// Opening what the publish script sealed: the id head comes off, everything else stays intact.
import { describe, expect, it } from 'vitest';

import { openEnvelope } from './bus-envelope';

describe('openEnvelope', () => {
  it('splits the replay id off the message', () => {
    expect(openEnvelope('1718000000000-7\n{"t":"records"}')).toEqual({ id: '1718000000000-7', message: '{"t":"records"}' });
  });

  it('keeps newlines and an id-like text inside the message', () => {
    expect(openEnvelope('1-0\n2-0\nline\n')).toEqual({ id: '1-0', message: '2-0\nline\n' });
    expect(openEnvelope('1-0\n')).toEqual({ id: '1-0', message: '' });
  });

  it('delivers a message without the head whole and without an id', () => {
    for (const raw of ['plain', '', '{"t":"end"}', '1-0 no newline', 'x1-0\nabc', '\n1-0\n']) {
      expect(openEnvelope(raw)).toEqual({ id: undefined, message: raw });
    }
  });
});
