import { describe, expect, it } from 'vitest';

import { createProcessLogger } from './process-logger';

function capture(): { lines: Record<string, unknown>[]; destination: { write(line: string): void } } {
  const lines: Record<string, unknown>[] = [];
  return { lines, destination: { write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) } };
}

describe('createProcessLogger', () => {
  it('writes JSON lines naming the service (and the base fields), the level by label and an ISO time', () => {
    const { lines, destination } = capture();
    const logger = createProcessLogger({ service: 'tailgate-agent', level: 'info', base: { node: 'node-1' } }, destination);
    logger.debug('hidden');
    logger.warn({ code: 'EACCES' }, 'shown');
    expect(lines).toHaveLength(1);
    const [{ time, ...line }] = lines as [Record<string, unknown>];
    expect(time).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(line).toEqual({ level: 'warn', service: 'tailgate-agent', node: 'node-1', code: 'EACCES', msg: 'shown' });
  });

  it('redacts tokens, authorization and record lines in every process, and the paths a process adds', () => {
    const { lines, destination } = capture();
    const logger = createProcessLogger({ service: 'tailgate-worker', level: 'info', redact: ['password', '*.password'] }, destination);
    logger.info({ token: 't', line: 'l', user: { authorization: 'a', password: 'p' }, batch: { records: ['r'] }, name: 'kept' }, 'logged');
    expect(lines[0]).toMatchObject({
      token: '[redacted]',
      line: '[redacted]',
      user: { authorization: '[redacted]', password: '[redacted]' },
      batch: { records: '[redacted]' },
      name: 'kept',
    });
  });
});
