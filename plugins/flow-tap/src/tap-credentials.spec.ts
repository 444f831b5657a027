import { MemorySharedState, silentLogger } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { newTapCredential, storedCredential } from './tap-credential';
import { TapCredentials } from './tap-credentials';
import { credentialKey } from './tap-state';

const TAP = { kind: 'flow', namespace: 'acme', name: 'web' } as const;

function countingState(): { state: MemorySharedState; reads: () => number } {
  const state = new MemorySharedState();
  let reads = 0;
  const get = state.get.bind(state);
  state.get = (key) => {
    reads++;
    return get(key);
  };
  return { state, reads: () => reads };
}

describe('TapCredentials', () => {
  it('reads the stored hash once for a run of good requests, until it expires', async () => {
    let now = 1_000;
    const { state, reads } = countingState();
    const credential = newTapCredential();
    await state.set(credentialKey(TAP), JSON.stringify(storedCredential(credential)));
    const credentials = new TapCredentials(state, silentLogger, { ttlMs: 5_000, now: () => now });
    for (let i = 0; i < 5; i++) expect(await credentials.verify(TAP, credential.password)).toBe(true);
    expect(reads()).toBe(1);
    now += 5_001;
    expect(await credentials.verify(TAP, credential.password)).toBe(true);
    expect(reads()).toBe(2);
  });

  it('re-reads once on a mismatch, so a rotated password works at once and the old one stops', async () => {
    const { state, reads } = countingState();
    const old = newTapCredential();
    await state.set(credentialKey(TAP), JSON.stringify(storedCredential(old)));
    const credentials = new TapCredentials(state, silentLogger);
    expect(await credentials.verify(TAP, old.password)).toBe(true);
    const rotated = newTapCredential();
    await state.set(credentialKey(TAP), JSON.stringify(storedCredential(rotated)));
    expect(await credentials.verify(TAP, rotated.password)).toBe(true);
    expect(await credentials.verify(TAP, old.password)).toBe(false);
    expect(reads()).toBe(3);
  });

  it('shares one read among concurrent checks of a tap', async () => {
    const { state, reads } = countingState();
    const credential = newTapCredential();
    await state.set(credentialKey(TAP), JSON.stringify(storedCredential(credential)));
    const credentials = new TapCredentials(state, silentLogger);
    const answers = await Promise.all(Array.from({ length: 10 }, () => credentials.verify(TAP, credential.password)));
    expect(answers.every(Boolean)).toBe(true);
    expect(reads()).toBe(1);
  });

  it('refuses every password for a tap without a credential, or with one it cannot read', async () => {
    const { state } = countingState();
    const credentials = new TapCredentials(state, silentLogger);
    expect(await credentials.verify(TAP, '')).toBe(false);
    await state.set(credentialKey(TAP), '{"sha256":"zz"}');
    expect(await credentials.verify(TAP, '')).toBe(false);
  });
});
