import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { definePlugin, isPlugin } from './define-plugin';
import { SDK_VERSION } from './sdk-version';

const base = { description: 'd', configSchema: z.object({}), register: () => undefined };

describe('definePlugin', () => {
  it('makes a frozen, versioned plugin value', () => {
    const plugin = definePlugin({ id: 'kube-pod-logs', ...base });
    expect(Object.isFrozen(plugin)).toBe(true);
    expect(plugin.manifest).toBe('v1');
    expect(isPlugin(plugin)).toBe(true);
  });

  it('stamps the version of the SDK that made it, which the options cannot override', () => {
    const options = { id: 'stamped', ...base, sdkVersion: '9.9.9' };
    expect(definePlugin(options).sdkVersion).toBe(SDK_VERSION);
  });

  it.each(['Kube', '1abc', 'a', 'has_underscore', 'has.dot', `a${'b'.repeat(63)}`, ''])('refuses the id %j', (id) => {
    expect(() => definePlugin({ id, ...base })).toThrow(/invalid plugin id/);
  });

  it('recognises only its own values as plugins', () => {
    for (const value of [null, 42, {}, { $$type: '@tailgate/Plugin' }, { $$type: '@tailgate/Plugin', manifest: 'v2' }]) {
      expect(isPlugin(value)).toBe(false);
    }
  });
});
