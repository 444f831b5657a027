import { describe, expect, it } from 'vitest';

import { encodeTapMessage, parseTapMessage } from './tap-message';

const record = { namespace: 'acme', pod: 'web-0', container: 'app', stream: 'stdout' as const, time: '2024-05-01T10:00:00Z', line: 'x' };

describe('tap messages', () => {
  it('round-trips records and writes only the contract fields, whatever else an object carries', () => {
    const smuggled = { ...record, labels: { 'rbac/policy': 'allow' }, node: 'forged' };
    const message = encodeTapMessage([smuggled]);
    expect(message).not.toContain('rbac');
    expect(message).not.toContain('forged');
    expect(parseTapMessage(message)).toEqual([record]);
  });

  it('refuses anything but an array of exactly such records', () => {
    for (const bad of [
      '',
      'nope',
      '{}',
      '[1]',
      JSON.stringify([{ ...record, labels: {} }]),
      JSON.stringify([{ ...record, stream: 'stdin' }]),
      JSON.stringify([{ ...record, pod: '' }]),
    ]) {
      expect(parseTapMessage(bad), bad).toBeUndefined();
    }
  });
});
