// Channel naming: exact names, default prefix, one cluster slot per stream key.
import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { DEFAULT_KEY_PREFIX, recordsChannel, streamHashTag } from './stream-channels';

// The slot-relevant part of a name as Redis Cluster computes it: the first non-empty {…}.
function clusterHashPart(name: string): string {
  const open = name.indexOf('{');
  const close = name.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? name.slice(open + 1, close) : name;
}

describe('recordsChannel', () => {
  it('names the channel prefix + hash tag of sha1(streamKey) + ":records"', () => {
    const sha1 = createHash('sha1').update('kube-pod-logs/ns/web', 'utf8').digest('hex');
    expect(recordsChannel('acme:', 'kube-pod-logs/ns/web')).toBe(`acme:{${sha1.slice(0, 16)}}:records`);
  });

  it('uses the "tailgate:" prefix when none is given', () => {
    expect(DEFAULT_KEY_PREFIX).toBe('tailgate:');
    expect(recordsChannel(undefined, 'k')).toBe(`tailgate:${streamHashTag('k')}:records`);
  });

  it('is deterministic and distinguishes stream keys', () => {
    expect(recordsChannel('p:', 'a')).toBe(recordsChannel('p:', 'a'));
    expect(recordsChannel('p:', 'a')).not.toBe(recordsChannel('p:', 'b'));
    expect(recordsChannel('p:', 'a')).not.toBe(recordsChannel('q:', 'a'));
  });

  it('puts every name of one stream key in the same cluster slot, whatever the prefix', () => {
    const tag = clusterHashPart(recordsChannel('x:', 'ns/pod/ctr'));
    expect(clusterHashPart(recordsChannel('tenant-b:', 'ns/pod/ctr'))).toBe(tag);
    expect(clusterHashPart(`lease:${streamHashTag('ns/pod/ctr')}`)).toBe(tag);
    expect(tag).toMatch(/^[0-9a-f]{16}$/);
  });

  it('keeps unicode and brace-laden stream keys out of the name', () => {
    const channel = recordsChannel('p:', 'ns/{pod}/ctr 🚀');
    expect(channel).toMatch(/^p:\{[0-9a-f]{16}\}:records$/);
  });

  it('refuses a prefix that would move the hash tag, and an empty stream key', () => {
    expect(() => recordsChannel('a{b}:', 'k')).toThrow(RangeError);
    expect(() => recordsChannel('a}', 'k')).toThrow(/must not contain/);
    expect(() => recordsChannel('p:', '')).toThrow(/must not be empty/);
  });
});
