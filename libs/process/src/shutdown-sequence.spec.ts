import pino from 'pino';
import { describe, expect, it } from 'vitest';

import { ShutdownSequence } from './shutdown-sequence';

describe('ShutdownSequence', () => {
  it('runs the steps in reverse order of registration, once, going on past a failing step', async () => {
    const ran: string[] = [];
    const logged: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) });
    const sequence = new ShutdownSequence('agent', logger);
    sequence.add('first built', () => void ran.push('first built'));
    sequence.add('second built', () => {
      ran.push('second built');
      throw Object.assign(new Error('disk on fire /secret/path'), { code: 'EIO' });
    });
    sequence.add('last built', async () => void ran.push('last built'));
    expect(sequence.order).toEqual(['last built', 'second built', 'first built']);
    await Promise.all([sequence.run('SIGTERM'), sequence.run('SIGINT')]);
    expect(ran).toEqual(['last built', 'second built', 'first built']);
    expect(logged[0]).toMatchObject({
      msg: 'agent shutting down',
      reason: 'SIGTERM',
      steps: ['last built', 'second built', 'first built'],
    });
    expect(logged.find((entry) => entry.step === 'second built')).toMatchObject({ code: 'EIO', msg: 'shutdown step failed' });
    expect(JSON.stringify(logged)).not.toContain('fire');
  });
});
