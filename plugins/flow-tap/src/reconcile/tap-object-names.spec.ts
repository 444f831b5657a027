import { describe, expect, it } from 'vitest';

import { isObjectName, type TapRef } from '../tap-ref';
import { outputName, secretName, tapId, tapLabels } from './tap-object-names';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const flow = (name: string, namespace = 'team'): TapRef => ({ kind: 'flow', namespace, name });

describe('tap object names', () => {
  it('are valid names, label values included, at most 63 characters, for any Flow name', () => {
    for (const name of ['a', 'acme', 'a.b.c', `x${'y'.repeat(252)}`, `${'a'.repeat(29)}-b`, `${'a'.repeat(29)}.b`, '0.0.0']) {
      const output = outputName(flow(name));
      const secret = secretName(output, 'AbC_-123xyz');
      for (const value of [output, secret]) {
        expect(value, name).toMatch(DNS_LABEL);
        expect(value.length, name).toBeLessThanOrEqual(63);
        expect(isObjectName(value)).toBe(true);
      }
      expect(tapLabels(flow(name))['flow-tap.tailgate.dev/tap']).toMatch(/^[0-9a-f]{10}$/);
    }
  });

  it('keep a readable prefix of the Flow name', () => {
    expect(outputName(flow('acme.web'))).toMatch(/^tailgate-tap-acme-web-[0-9a-f]{10}$/);
  });

  it('differ between taps that differ in kind, namespace or name, and are the same for the same tap', () => {
    const names = [
      outputName(flow('acme', 'a')),
      outputName(flow('acme', 'b')),
      outputName({ kind: 'clusterflow', namespace: 'a', name: 'acme' }),
      outputName(flow(`${'n'.repeat(40)}-1`)),
      outputName(flow(`${'n'.repeat(40)}-2`)),
    ];
    expect(new Set(names).size).toBe(names.length);
    expect(outputName(flow('acme'))).toBe(outputName(flow('acme')));
    expect(tapId(flow('acme'))).toBe(tapId(flow('acme')));
  });

  it('give each credential generation its own Secret', () => {
    const output = outputName(flow('acme'));
    expect(secretName(output, 'g1')).not.toBe(secretName(output, 'g2'));
    expect(secretName(output, 'g1').startsWith(`${output}-`)).toBe(true);
  });
});
