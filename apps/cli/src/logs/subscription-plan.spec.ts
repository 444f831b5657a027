import type { SourceDescription } from '@tailgate/contracts';
import { PodSelectorSchema } from '@tailgate/cri-logs';
import { PodLogsSelectorSchema } from '@tailgate/plugin-kube-pod-logs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { CliError } from '../cli-error';
import { type LogsFlags, resolveLogsSettings } from './logs-settings';
import { chooseSource, planSubscription } from './subscription-plan';

// The sources as sources.list describes them: their real selector schemas, as the gateway renders them.
const describeSource = (id: string, schema: z.ZodType, supports = { tail: true, since: true, resume: true }): SourceDescription => ({
  id,
  description: id,
  selector: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
  supports,
});
const KUBE = describeSource('kube-pod-logs.pods', PodLogsSelectorSchema);
const NODE_FILE = describeSource('node-file.pods', PodSelectorSchema);

const plan = (query: string | undefined, flags: LogsFlags, source: SourceDescription) =>
  planSubscription(resolveLogsSettings(query, flags, {}), source);

describe('choosing the source', () => {
  it('takes the first offered of kube-pod-logs, agent-pod-logs and node-file', () => {
    const agent = { ...NODE_FILE, id: 'agent-pod-logs.pods' };
    expect(chooseSource([NODE_FILE, agent], undefined).id).toBe('agent-pod-logs.pods');
    expect(chooseSource([NODE_FILE, KUBE], undefined).id).toBe('kube-pod-logs.pods');
  });

  it('takes --source when offered, and says what is offered when not', () => {
    expect(chooseSource([NODE_FILE, KUBE], 'node-file.pods').id).toBe('node-file.pods');
    expect(() => chooseSource([NODE_FILE], 'nope.x')).toThrow('the server offers no source nope.x (it has: node-file.pods)');
    expect(() => chooseSource([], undefined)).toThrow(CliError);
  });
});

describe('flags → kube-pod-logs selector', () => {
  it('puts everything the schema supports into the selector, which the source accepts', () => {
    const { selector, since, tail, follow } = plan(
      'web-',
      {
        namespace: ['team-a', 'team-b'],
        selector: 'app=web',
        fieldSelector: 'status.phase=Running',
        container: 'api',
        excludePod: ['canary'],
        excludeContainer: ['istio-proxy'],
        initContainers: false,
        previous: true,
        since: '30m',
        tail: '100',
        follow: false,
      },
      KUBE,
    );
    expect(selector).toEqual({
      namespaces: ['team-a', 'team-b'],
      podPattern: 'web-',
      labelSelector: 'app=web',
      fieldSelector: 'status.phase=Running',
      containerPattern: 'api',
      excludePods: ['canary'],
      excludeContainers: ['istio-proxy'],
      containerKinds: ['regular', 'ephemeral'],
      previous: true,
    });
    expect(PodLogsSelectorSchema.safeParse(selector).success).toBe(true);
    expect({ since, tail, follow }).toEqual({ since: '30m', tail: 100, follow: false });
  });

  it('maps deployment/NAME to a workload in its one namespace', () => {
    const { selector } = plan('deployment/web', { namespace: ['team-a'] }, KUBE);
    expect(selector).toEqual({ namespaces: ['team-a'], workload: { kind: 'deployment', name: 'web' } });
    expect(PodLogsSelectorSchema.safeParse(selector).success).toBe(true);
    expect(() => plan('deployment/web', {}, KUBE)).toThrow('deployment/web needs exactly one namespace (-n)');
  });

  it('asks for every namespace with -A (no namespaces key) and sends the default since', () => {
    expect(plan('web', { allNamespaces: true }, KUBE)).toMatchObject({ selector: { podPattern: 'web' }, since: '24h' });
    expect(plan('web', { allNamespaces: true }, KUBE).tail).toBeUndefined();
  });
});

describe('flags → node-file selector', () => {
  it('narrows to one namespace and an exact pod where it can, leaving patterns to the client', () => {
    expect(plan('web', { namespace: ['team-a'], container: 'api' }, NODE_FILE).selector).toEqual({ namespace: 'team-a' });
    expect(plan('pod/web-0', { namespace: ['team-a'] }, NODE_FILE).selector).toEqual({ namespace: 'team-a', pod: 'web-0' });
    expect(plan('web', { namespace: ['a', 'b'] }, NODE_FILE).selector).toEqual({});
    expect(PodSelectorSchema.safeParse(plan('pod/web-0', { namespace: ['team-a'] }, NODE_FILE).selector).success).toBe(true);
  });

  it('refuses, as usage errors, filters neither the source nor the client can apply', () => {
    expect(() => plan(undefined, { selector: 'app=web' }, NODE_FILE)).toThrow('source node-file.pods cannot filter by --selector');
    expect(() => plan('deployment/web', { namespace: ['a'] }, NODE_FILE)).toThrow('cannot filter by deployment');
    expect(() => plan('web', { previous: true }, NODE_FILE)).toThrow('--previous');
    expect(() => plan('web', { initContainers: false }, NODE_FILE)).toThrow('container kind');
  });

  it('sends since and tail only to sources that support them', () => {
    const noBacklog = { ...NODE_FILE, supports: { tail: false, since: false, resume: false } };
    expect(plan('web', {}, noBacklog)).not.toHaveProperty('since');
    expect(() => plan('web', { since: '1h' }, noBacklog)).toThrow('cannot read back by time');
    expect(() => plan('web', { tail: '5' }, noBacklog)).toThrow('cannot read back by lines');
  });
});
