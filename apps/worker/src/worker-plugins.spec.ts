import { parseConfig } from '@tailgate/config';
import { definePlugin } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { WORKER_PLUGINS, workerPluginConfig } from './worker-plugins';

const carried = definePlugin({ id: 'flow-tap', description: 'x', configSchema: z.object({}), register: () => undefined });

describe('workerPluginConfig', () => {
  it("keeps the plugins the worker carries and those named by `use`, and none of the gateway's checks", () => {
    const parsed = parseConfig({
      access: { chain: ['namespace-allowlist.namespaces'] },
      authentication: { authenticators: ['static-tokens.tokens'] },
      plugins: { 'flow-tap': { controlNamespace: 'logging' }, 'static-tokens': { file: '/x' }, acme: { use: '@acme/tailgate-jobs' } },
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    const config = workerPluginConfig(parsed.config, [carried]);
    expect(config.plugins).toEqual({ 'flow-tap': { controlNamespace: 'logging' }, acme: { use: '@acme/tailgate-jobs' } });
    expect(config.access.chain).toEqual([]);
    expect(config.authentication.authenticators).toEqual([]);
  });

  it('carries the flow-tap plugin', () => {
    expect(WORKER_PLUGINS.map((plugin) => plugin.id)).toEqual(['flow-tap']);
  });
});
