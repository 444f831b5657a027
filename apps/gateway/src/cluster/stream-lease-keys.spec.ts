// A stream's lease keys and channels share the hash tag of its records channel: one Redis Cluster slot.
import { recordsChannel } from '@tailgate/bus';
import { describe, expect, it } from 'vitest';

import { streamLeaseKeys } from './stream-lease-keys';

const tagOf = (name: string) => /\{[^}]*\}/.exec(name)?.[0];

describe('streamLeaseKeys', () => {
  it('prefixes every key and tags it like the stream’s records channel', () => {
    const keys = streamLeaseKeys('test:', 'node-file.pods|team-a/checkout-api');
    const tag = tagOf(recordsChannel('test:', 'node-file.pods|team-a/checkout-api'));
    expect(tag).toMatch(/^\{[0-9a-f]{16}\}$/);
    const names = Object.values(keys) as string[];
    for (const key of names) {
      expect(key.startsWith(`test:${tag}:`)).toBe(true);
      expect(tagOf(key)).toBe(tag);
    }
    expect(new Set(names).size).toBe(5);
  });

  it('gives different streams different tags', () => {
    expect(tagOf(streamLeaseKeys('t:', 'a|x').lease)).not.toBe(tagOf(streamLeaseKeys('t:', 'a|y').lease));
  });

  it('refuses a prefix that would move the hash tag', () => {
    expect(() => streamLeaseKeys('t{1}:', 'a|x')).toThrow(RangeError);
  });
});
