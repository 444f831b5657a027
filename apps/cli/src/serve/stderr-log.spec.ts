import { describe, expect, it } from 'vitest';

import { stderrLog } from './stderr-log';

function capture() {
  const written: string[] = [];
  return { written, log: stderrLog('tailgate', { write: (text: string) => written.push(text) }) };
}

describe('stderrLog', () => {
  it('shows warnings and errors as one short line each', () => {
    const { written, log } = capture();
    log.write(`${JSON.stringify({ level: 'warn', msg: 'pod watch restarted', err: 'KubeApiError' })}\n`);
    log.write(`${JSON.stringify({ level: 'error', msg: 'plugin shutdown hook failed' })}\n`);
    expect(written).toEqual(['tailgate: pod watch restarted (KubeApiError)\n', 'tailgate: plugin shutdown hook failed\n']);
  });

  it('drops info and debug lines', () => {
    const { written, log } = capture();
    log.write(`${JSON.stringify({ level: 'info', msg: 'gateway listening', port: 8080 })}\n`);
    log.write(`${JSON.stringify({ level: 'debug', msg: 'x' })}\n`);
    expect(written).toEqual([]);
  });

  it('never shows the logged object’s other fields, where a token or a record could be', () => {
    const { written, log } = capture();
    log.write(`${JSON.stringify({ level: 'warn', msg: 'sign-in refused', token: 'abc-secret', line: 'password=hunter2' })}\n`);
    expect(written.join('')).not.toMatch(/abc-secret|hunter2/);
  });

  it('ignores what is not a JSON log line', () => {
    const { written, log } = capture();
    log.write('not json\n');
    log.write('{"level":"warn"}\n');
    expect(written).toEqual([]);
  });
});
