import { describe, expect, it } from 'vitest';

import type { TapRef } from '../tap-ref';
import { tapKey } from '../tap-ref';
import type { ManagedOutput } from './logging-objects';
import { outputName, secretName } from './tap-object-names';
import { tapOutputSpec } from './tap-output-spec';
import { planTaps, wantedTaps } from './tap-plan';

const URL = 'http://gw:8080';
const acme: TapRef = { kind: 'flow', namespace: 'team', name: 'acme' };
const all: TapRef = { kind: 'clusterflow', namespace: 'logging', name: 'all' };

function existing(tap: TapRef, generation: string | undefined, overrides: Partial<ManagedOutput> = {}): ManagedOutput {
  const name = outputName(tap);
  return {
    kind: tap.kind,
    namespace: tap.namespace,
    name,
    uid: `uid-${name}`,
    resourceVersion: '1',
    tapKey: tapKey(tap),
    generation,
    spec: generation === undefined ? {} : tapOutputSpec(URL, tap, secretName(name, generation)),
    ...overrides,
  };
}

describe('wanted taps', () => {
  it('are the demand members that name a tap, once each; ClusterFlows only in the control namespace', () => {
    const wanted = wantedTaps(
      ['flow/team/acme', 'flow/team/acme', 'clusterflow/logging/all', 'clusterflow/other/all', 'pods/x', 'flow/Team/x'],
      'logging',
    );
    expect(wanted.taps).toEqual([acme, all]);
    expect(wanted.ignored).toEqual(['clusterflow/other/all', 'pods/x', 'flow/Team/x']);
  });
});

describe('the tap plan', () => {
  const plan = (wanted: TapRef[], outputs: ManagedOutput[], stored: Record<string, string> = {}, ingestUrl = URL) =>
    planTaps({ wanted, existing: outputs, storedGenerations: new Map(Object.entries(stored)), ingestUrl });

  it('creates the Output of a wanted tap that has none', () => {
    expect(plan([acme, all], [])).toEqual([
      { type: 'create', tap: acme },
      { type: 'create', tap: all },
    ]);
  });

  it('keeps an Output that is exactly what it would create, with the stored credential it was made with', () => {
    const output = existing(acme, 'g1');
    expect(plan([acme], [output], { [tapKey(acme)]: 'g1' })).toEqual([{ type: 'keep', tap: acme, output }]);
  });

  it('replaces an Output whose credential is lost, stale or unknown (its Secret cannot be read back)', () => {
    for (const [output, stored] of [
      [existing(acme, 'g1'), {}],
      [existing(acme, 'g1'), { [tapKey(acme)]: 'g0' }],
      [existing(acme, undefined), { [tapKey(acme)]: 'g1' }],
    ] as const) {
      expect(plan([acme], [output], stored)).toEqual([{ type: 'replace', tap: acme, output, reason: 'credential' }]);
    }
  });

  it('replaces an Output whose spec differs from what this configuration makes (a new ingestUrl, a hand edit)', () => {
    const output = existing(acme, 'g1');
    expect(plan([acme], [output], { [tapKey(acme)]: 'g1' }, 'http://elsewhere:8080')).toEqual([
      { type: 'replace', tap: acme, output, reason: 'spec' },
    ]);
    const edited = existing(acme, 'g1', { spec: { http: { endpoint: 'http://evil' } } });
    expect(plan([acme], [edited], { [tapKey(acme)]: 'g1' })).toEqual([{ type: 'replace', tap: acme, output: edited, reason: 'spec' }]);
  });

  it('removes every labelled Output no wanted tap owns, knowing its tap only from an intact annotation at its place', () => {
    const stale = existing(all, 'g1');
    const unannotated = existing(acme, 'g2', { tapKey: undefined });
    const moved = existing(acme, 'g3', { namespace: 'elsewhere' });
    expect(plan([acme], [stale, unannotated, moved])).toEqual([
      { type: 'create', tap: acme },
      { type: 'remove', tap: all, output: stale },
      { type: 'remove', tap: undefined, output: unannotated },
      { type: 'remove', tap: undefined, output: moved },
    ]);
  });
});
