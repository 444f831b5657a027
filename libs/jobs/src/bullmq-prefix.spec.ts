import { clusterKeySlot } from '@tailgate/bus';
import { describe, expect, it } from 'vitest';

import { bullmqPrefix, PLUGIN_JOBS_QUEUE } from './bullmq-prefix';

describe('bullmqPrefix', () => {
  it('puts the key prefix in one hash tag, so every key of the queue is in one cluster slot', () => {
    const prefix = bullmqPrefix('tailgate:');
    expect(prefix).toBe('{tailgate:bullmq}');
    const keys = ['wait', 'active', 'delayed', 'failed', 'meta', 'de:flow-a', '123'].map((k) => `${prefix}:${PLUGIN_JOBS_QUEUE}:${k}`);
    expect(new Set(keys.map((key) => clusterKeySlot(key))).size).toBe(1);
  });

  it('keeps one non-empty hash tag when the key prefix has braces of its own', () => {
    expect(bullmqPrefix('}{team-a}:')).toBe('{team-a:bullmq}');
    expect(bullmqPrefix('')).toBe('{bullmq}');
  });
});
