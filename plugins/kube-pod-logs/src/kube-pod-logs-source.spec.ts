import { describe, expect, it } from 'vitest';

import type { KubeTransport } from '@tailgate/kube';
import { silentLogger } from '@tailgate/plugin-sdk';

import { KubePodLogsConfigSchema } from './kube-pod-logs-config';
import { KubePodLogsSource } from './kube-pod-logs-source';

const transport = {} as KubeTransport;

function source(namespaces?: string[]): KubePodLogsSource {
  return new KubePodLogsSource(transport, KubePodLogsConfigSchema.parse(namespaces ? { namespaces } : {}), silentLogger);
}

describe('KubePodLogsSource default namespaces', () => {
  it('reads every namespace when none are configured', () => {
    const selector = source().selector.parse({ podPattern: 'web' });
    expect(selector.namespaces).toBeUndefined();
    expect(source().scope(selector)).toEqual([{ resource: 'pods/log' }]);
  });

  it('reads the configured namespaces when a selector names none, with the same stream key as naming them', () => {
    const narrowed = source(['team-b', 'team-a', 'team-a']);
    const implicit = narrowed.selector.parse({ podPattern: 'web' });
    const explicit = narrowed.selector.parse({ namespaces: ['team-a', 'team-b'], podPattern: 'web' });
    expect(implicit.namespaces).toEqual(['team-a', 'team-b']);
    expect(narrowed.streamKey(implicit)).toBe(narrowed.streamKey(explicit));
    expect(narrowed.scope(implicit).map((scope) => scope.namespace)).toEqual(['team-a', 'team-b']);
  });

  it('keeps namespaces a selector names, even outside the configured ones', () => {
    expect(source(['team-a']).selector.parse({ namespaces: ['team-c'] }).namespaces).toEqual(['team-c']);
  });

  it('refuses a configured name that is not a namespace name', () => {
    expect(KubePodLogsConfigSchema.safeParse({ namespaces: ['Team A'] }).success).toBe(false);
  });
});
