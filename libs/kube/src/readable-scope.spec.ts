import { NotAllowedError, UpstreamUnavailableError } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import type { AccessReviewStatus, ResourceAttributes, SubjectRule, SubjectRulesReviewStatus } from './kube-api';
import { discoverReadableScope, type ReadableScopeApi } from './readable-scope';

/** A caller whose rights are a set of `verb resource[/sub] [namespace]` keys, plus rules per namespace. */
interface FakeRights {
  readonly allowed: readonly string[];
  readonly rules?: Readonly<Record<string, readonly SubjectRule[]>>;
  readonly incomplete?: boolean;
  readonly namespaces?: readonly string[];
  readonly listError?: Error;
}

const keyOf = (a: ResourceAttributes) =>
  `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.namespace ? ` ${a.namespace}` : ''}`;

function fakeApi(rights: FakeRights) {
  const calls: string[] = [];
  const api: ReadableScopeApi = {
    selfSubjectAccessReview(attributes): Promise<AccessReviewStatus> {
      calls.push(`ssar ${keyOf(attributes)}`);
      return Promise.resolve({ allowed: rights.allowed.includes(keyOf(attributes)), denied: false });
    },
    selfSubjectRulesReview(namespace): Promise<SubjectRulesReviewStatus> {
      calls.push(`ssrr ${namespace}`);
      return Promise.resolve({
        resourceRules: rights.rules?.[namespace] ?? [],
        nonResourceRules: [],
        incomplete: rights.incomplete ?? false,
      });
    },
    listNamespaces(): Promise<string[]> {
      calls.push('list namespaces');
      return rights.listError ? Promise.reject(rights.listError) : Promise.resolve([...(rights.namespaces ?? [])]);
    },
  };
  return { api, calls };
}

const podLogRead: SubjectRule = { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] };

describe('discoverReadableScope', () => {
  it('reads all namespaces with get pods/log and list pods cluster-wide, asking nothing more', async () => {
    const { api, calls } = fakeApi({ allowed: ['get pods/log', 'list pods'] });
    expect(await discoverReadableScope(api, { candidates: ['a'] })).toEqual({ allNamespaces: true, namespaces: [] });
    expect(calls.sort()).toEqual(['ssar get pods/log', 'ssar list pods']);
  });

  it('does not read all namespaces with cluster-wide pods/log alone', async () => {
    const { api } = fakeApi({ allowed: ['get pods/log'], rules: { a: [podLogRead] } });
    expect(await discoverReadableScope(api, { candidates: ['a'] })).toEqual({
      allNamespaces: false,
      namespaces: [{ name: 'a', pods: '*' }],
    });
  });

  it('lists namespaces when allowed and keeps those a namespace-wide review allows', async () => {
    const { api, calls } = fakeApi({
      allowed: ['list namespaces', 'get pods/log b', 'get pods/log d'],
      namespaces: ['d', 'b', 'c'],
    });
    expect(await discoverReadableScope(api)).toEqual({
      allNamespaces: false,
      namespaces: [
        { name: 'b', pods: '*' },
        { name: 'd', pods: '*' },
      ],
    });
    expect(calls.filter((c) => c.startsWith('ssrr'))).toEqual([]);
  });

  it('uses rules in candidate namespaces when namespaces cannot be listed, never listing them', async () => {
    const { api, calls } = fakeApi({
      allowed: [],
      rules: { a: [podLogRead], b: [{ ...podLogRead, resourceNames: ['pod-1'] }], c: [] },
    });
    expect(await discoverReadableScope(api, { candidates: ['c', 'a', 'b', 'a', ''] })).toEqual({
      allNamespaces: false,
      namespaces: [
        { name: 'a', pods: '*' },
        { name: 'b', pods: ['pod-1'] },
      ],
    });
    expect(calls).not.toContain('list namespaces');
    expect(calls.filter((c) => c.startsWith('ssrr')).sort()).toEqual(['ssrr a', 'ssrr b', 'ssrr c']);
  });

  it('looks into candidates beside listed namespaces, finding single-pod grants there', async () => {
    const { api } = fakeApi({
      allowed: ['list namespaces', 'get pods/log a'],
      namespaces: ['a', 'b'],
      rules: { b: [{ ...podLogRead, resourceNames: ['pod-1'] }], z: [podLogRead] },
    });
    expect(await discoverReadableScope(api, { candidates: ['b', 'z'] })).toEqual({
      allNamespaces: false,
      namespaces: [
        { name: 'a', pods: '*' },
        { name: 'b', pods: ['pod-1'] },
        { name: 'z', pods: '*' },
      ],
    });
  });

  it('backs an incomplete rules list with a namespace-wide review', async () => {
    const { api } = fakeApi({ allowed: ['get pods/log a'], incomplete: true, rules: { b: [{ ...podLogRead, resourceNames: ['p'] }] } });
    expect(await discoverReadableScope(api, { candidates: ['a', 'b'] })).toEqual({
      allNamespaces: false,
      namespaces: [
        { name: 'a', pods: '*' },
        { name: 'b', pods: ['p'] },
      ],
    });
  });

  it('falls back to candidates when the list is refused despite the review', async () => {
    const { api } = fakeApi({ allowed: ['list namespaces'], listError: new NotAllowedError('403'), rules: { a: [podLogRead] } });
    expect(await discoverReadableScope(api, { candidates: ['a'] })).toEqual({
      allNamespaces: false,
      namespaces: [{ name: 'a', pods: '*' }],
    });
  });

  it('lets other list failures through', async () => {
    const { api } = fakeApi({ allowed: ['list namespaces'], listError: new UpstreamUnavailableError('503') });
    await expect(discoverReadableScope(api)).rejects.toMatchObject({ code: 'upstream_unavailable' });
  });

  it('reads nothing with no rights and no candidates', async () => {
    const { api } = fakeApi({ allowed: [] });
    expect(await discoverReadableScope(api)).toEqual({ allNamespaces: false, namespaces: [] });
  });

  it('keeps at most `concurrency` reviews in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const { api: inner } = fakeApi({ allowed: [], rules: {} });
    const api: ReadableScopeApi = {
      ...inner,
      async selfSubjectRulesReview(namespace) {
        peak = Math.max(peak, ++inFlight);
        await Promise.resolve();
        inFlight--;
        return inner.selfSubjectRulesReview(namespace);
      },
    };
    await discoverReadableScope(api, { candidates: ['a', 'b', 'c', 'd', 'e'], concurrency: 2 });
    expect(peak).toBe(2);
  });
});
