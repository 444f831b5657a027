import { RedactionSettingsSchema } from '@tailgate/config';
import type { WireRecord } from '@tailgate/contracts';
import { type RecordTransform, silentLogger } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { NO_MASK } from './record-mask';
import { RedactionProfiles } from './redaction-profiles';

/** Replaces `word` (its param) with `#`. */
const replaceWord: RecordTransform<{ word: string }> = {
  name: 'replace',
  params: z.strictObject({ word: z.string().min(1) }),
  prepare:
    ({ word }) =>
    (lines) =>
      lines.map((line) => line.replaceAll(word, '#')),
};
const transforms = new Map<string, RecordTransform<unknown>>([['t.replace', replaceWord]]);

const settings = RedactionSettingsSchema.parse({
  profiles: {
    strict: [{ transform: 't.replace', params: { word: 'secret' } }],
    pii: [{ transform: 't.replace', params: { word: 'jane' } }],
  },
  assign: [
    { profile: 'pii', users: ['eve'] },
    { profile: 'strict', groups: ['contractors'], tenants: ['payments'] },
  ],
});
const tenantFrom = { kind: 'group-prefix', prefix: 'tenant:' } as const;

function build(raw: unknown = settings) {
  const result = RedactionProfiles.build(RedactionSettingsSchema.parse(raw), transforms, tenantFrom, silentLogger);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.profiles;
}

const record = (line: string): WireRecord => ({ ts: 't', ns: 'n', pod: 'p', container: 'c', stream: 'stdout', line, cursor: `c-${line}` });

describe('redaction profiles', () => {
  it('gives a subject the profiles of its user, its groups and its tenant, in the order they are declared', () => {
    const profiles = build();
    expect(profiles.profilesOf({ user: 'eve', groups: ['contractors'] })).toEqual(['strict', 'pii']);
    expect(profiles.profilesOf({ user: 'bob', groups: ['tenant:payments'] })).toEqual(['strict']);
    expect(profiles.profilesOf({ user: 'bob', groups: ['tenant:shipping', 'devs'] })).toEqual([]);
  });

  it('gives no mask to a subject no rule names, and one shared mask to subjects with the same profiles', () => {
    const profiles = build();
    expect(profiles.maskFor({ user: 'bob', groups: [] })).toBe(NO_MASK);
    const first = profiles.maskFor({ user: 'a', groups: ['contractors'] });
    expect(profiles.maskFor({ user: 'b', groups: ['tenant:payments'] })).toBe(first);
    expect(first.signature).toBe('strict');
    expect(profiles.maskFor({ user: 'eve', groups: ['contractors'] }).signature).toBe('strict,pii');
  });

  it('applies `everyone` to every subject', () => {
    const profiles = build({ ...settings, everyone: ['pii'] });
    expect(profiles.profilesOf({ user: 'bob', groups: [] })).toEqual(['pii']);
  });

  it('masks copies of the records whose lines change, keeping cursors, and hands back unchanged batches as they are', () => {
    const mask = build().maskFor({ user: 'eve', groups: ['contractors'] });
    const records = [record('jane has a secret'), record('nothing here')];
    const masked = mask.apply(records);
    expect(masked.map((r) => r.line)).toEqual(['# has a #', 'nothing here']);
    expect(masked.map((r) => r.cursor)).toEqual(records.map((r) => r.cursor));
    expect(masked[1]).toBe(records[1]);
    expect(records[0]!.line).toBe('jane has a secret');
    const plain = [record('nothing')];
    expect(mask.apply(plain)).toBe(plain);
  });

  it('lists every unknown transform and refused params as boot problems', () => {
    const raw = RedactionSettingsSchema.parse({
      profiles: { a: [{ transform: 'x.missing' }], b: [{ transform: 't.replace', params: { word: '' } }] },
    });
    const result = RedactionProfiles.build(raw, transforms, tenantFrom, silentLogger);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      'redaction.profiles.a[0]: no record transform x.missing (is its plugin enabled?)',
      expect.stringMatching(/^redaction\.profiles\.b\[0\]\.params: word: /),
    ]);
  });

  it('refuses an assignment to a profile that does not exist', () => {
    expect(RedactionSettingsSchema.safeParse({ assign: [{ profile: 'nope', users: ['x'] }] }).success).toBe(false);
    expect(RedactionSettingsSchema.safeParse({ profiles: { a: [{ transform: 't.replace' }] }, assign: [{ profile: 'a' }] }).success).toBe(
      false,
    );
  });
});
