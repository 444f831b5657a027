// Cluster slots as Redis computes them (expected values from CLUSTER KEYSLOT on redis-server 7.0).
import { describe, expect, it } from 'vitest';

import { clusterKeySlot } from './cluster-key-slot';
import { recordsChannel, streamHashTag } from './stream-channels';

describe('clusterKeySlot', () => {
  it('matches CLUSTER KEYSLOT for plain names', () => {
    expect(clusterKeySlot('123456789')).toBe(12_739);
    expect(clusterKeySlot('foo')).toBe(12_182);
    expect(clusterKeySlot('')).toBe(0);
  });

  it('hashes only the first non-empty hash tag', () => {
    expect(clusterKeySlot('{user1000}.following')).toBe(3_443);
    expect(clusterKeySlot('a{b}c{d}')).toBe(3_300);
    expect(clusterKeySlot('foo{}{bar}')).toBe(8_363);
    expect(clusterKeySlot('foo{bar')).toBe(15_278);
  });

  it('hashes UTF-8 bytes, not UTF-16 code units', () => {
    expect(clusterKeySlot('日本')).toBe(10_949);
    expect(clusterKeySlot('{日本}')).toBe(10_949);
    expect(clusterKeySlot('é')).toBe(10_180);
    expect(clusterKeySlot('e\u0301')).toBe(8_715);
  });

  it("puts a stream key's records channel in the slot of its hash tag", () => {
    const tag = streamHashTag('ns/pod/ctr').slice(1, -1);
    expect(clusterKeySlot(recordsChannel('p:', 'ns/pod/ctr'))).toBe(clusterKeySlot(tag));
    expect(clusterKeySlot(recordsChannel('other:', 'ns/pod/ctr'))).toBe(clusterKeySlot(tag));
  });
});
