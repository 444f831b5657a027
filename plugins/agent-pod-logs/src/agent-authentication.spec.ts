import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { KubeApi } from '@tailgate/kube';
import { MemoryPluginMetrics, type PluginHttp, silentLogger } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { EXAMPLE_SECRET_PREFIX, setUpAgentAuthentication } from './agent-authentication';
import { type AgentAuthenticationConfig, AgentAuthenticationConfigSchema } from './agent-pod-logs-config';

const dir = mkdtempSync(join(tmpdir(), 'tailgate-agent-auth-'));
const deps = {
  kube: () => ({}) as KubeApi,
  http: () => ({ mount: () => undefined }) as unknown as PluginHttp,
  metrics: new MemoryPluginMetrics(),
  logger: silentLogger,
};

function withSecret(name: string, content: string): AgentAuthenticationConfig {
  const secretFile = join(dir, name);
  writeFileSync(secretFile, content);
  return AgentAuthenticationConfigSchema.parse({ secretFile });
}

describe('agent authentication at boot', () => {
  it('refuses the published example secret of the chart and a short one, naming the problem and not the secret', () => {
    const example = `${EXAMPLE_SECRET_PREFIX}0123456789abcdef0123456789abcdef`;
    const setUp = (config: AgentAuthenticationConfig) => () => setUpAgentAuthentication(config, deps);
    expect(setUp(withSecret('example', `${example}\n`))).toThrow(/published example secret.*head -c 48 \/dev\/urandom/);
    expect(setUp(withSecret('example', `${example}\n`))).not.toThrow(/0123456789abcdef/);
    expect(setUp(withSecret('short', 'a'.repeat(31)))).toThrow(/fewer than 32 bytes/);
  });

  it('takes a random secret of 32 bytes or more', () => {
    const config = withSecret('random', 'c3VjaCBhIHJhbmRvbSBzZWNyZXQsIHJlYWxseSByYW5kb20hIQ==\n');
    const auth = setUpAgentAuthentication(config, deps);
    expect(auth.keys).toBeDefined();
  });
});
