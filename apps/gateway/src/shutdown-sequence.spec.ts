import pino from 'pino';
import { describe, expect, it } from 'vitest';

import { ShutdownSequence, step } from './shutdown-sequence';

function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('ShutdownSequence', () => {
  it('runs its steps in order, each after the previous one finished', async () => {
    const ran: string[] = [];
    const slow = () => new Promise<void>((resolve) => setTimeout(resolve, 5)).then(() => void ran.push('subscriptions'));
    const sequence = new ShutdownSequence(
      [step('readiness', () => void ran.push('readiness')), step('subscriptions', slow), step('bus', () => void ran.push('bus'))],
      recordingLogger().logger,
    );
    await sequence.run();
    expect(ran).toEqual(['readiness', 'subscriptions', 'bus']);
  });

  it('logs a failing step by name and error name only, and still runs the rest', async () => {
    const { logger, lines } = recordingLogger();
    const ran: string[] = [];
    const failing = () => Promise.reject(new TypeError('token=secret-value'));
    await new ShutdownSequence([step('plugins', failing), step('bus', () => void ran.push('bus'))], logger).run();
    expect(ran).toEqual(['bus']);
    const failure = lines.find((line) => line.msg === 'shutdown step failed');
    expect(failure).toMatchObject({ step: 'plugins', err: 'TypeError' });
    expect(JSON.stringify(lines)).not.toContain('secret-value');
  });

  it('runs once however often it is asked to', async () => {
    let runs = 0;
    const sequence = new ShutdownSequence([step('bus', () => void runs++)], recordingLogger().logger);
    await Promise.all([sequence.run(), sequence.run()]);
    await sequence.run();
    expect(runs).toBe(1);
  });
});
