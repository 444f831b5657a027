import { describe, expect, it } from 'vitest';

import type { SubjectRule } from './kube-api';
import { grantsPodLogRead, isNothing, readablePodsFromRules } from './log-read-rules';

const podLogRead: SubjectRule = { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] };

describe('grantsPodLogRead', () => {
  it.each<[string, SubjectRule]>([
    ['exact verb, group and resource', podLogRead],
    ['verb *', { ...podLogRead, verbs: ['*'] }],
    ['get among other verbs', { ...podLogRead, verbs: ['list', 'get', 'watch'] }],
    ['API group *', { ...podLogRead, apiGroups: ['*'] }],
    ['core group among others', { ...podLogRead, apiGroups: ['apps', ''] }],
    ['resource *', { ...podLogRead, resources: ['*'] }],
    ['resource */log', { ...podLogRead, resources: ['*/log'] }],
    ['pods/log among other resources', { ...podLogRead, resources: ['pods', 'pods/log'] }],
    ['with resourceNames', { ...podLogRead, resourceNames: ['pod-1'] }],
  ])('grants on %s', (_name, rule) => {
    expect(grantsPodLogRead(rule)).toBe(true);
  });

  it.each<[string, SubjectRule]>([
    ['list only', { ...podLogRead, verbs: ['list', 'watch'] }],
    ['no verbs', { ...podLogRead, verbs: [] }],
    ['the pods resource without its subresource', { ...podLogRead, resources: ['pods'] }],
    ['pods/* (RBAC has no such wildcard)', { ...podLogRead, resources: ['pods/*'] }],
    ['another subresource', { ...podLogRead, resources: ['pods/exec', '*/status'] }],
    ['the apps group', { ...podLogRead, apiGroups: ['apps'] }],
    ['no API groups (a non-resource rule)', { verbs: ['get'], resources: ['pods/log'] }],
    ['no resources', { verbs: ['get'], apiGroups: [''] }],
    ['non-resource URLs', { verbs: ['get'], nonResourceURLs: ['/logs'] }],
  ])('does not grant on %s', (_name, rule) => {
    expect(grantsPodLogRead(rule)).toBe(false);
  });
});

describe('readablePodsFromRules', () => {
  it('reads every pod when a matching rule names no pod', () => {
    expect(readablePodsFromRules([podLogRead])).toBe('*');
    expect(readablePodsFromRules([{ ...podLogRead, resourceNames: [] }])).toBe('*');
  });

  it('lets a rule without names win over rules with names, in any order', () => {
    const named = { ...podLogRead, resourceNames: ['pod-1'] };
    expect(readablePodsFromRules([named, podLogRead])).toBe('*');
    expect(readablePodsFromRules([podLogRead, named])).toBe('*');
  });

  it('reads only named pods when every matching rule names pods, sorted and unique', () => {
    const rules: SubjectRule[] = [
      { ...podLogRead, resourceNames: ['pod-2', 'pod-1'] },
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: ['pod-1', 'pod-0'] },
    ];
    expect(readablePodsFromRules(rules)).toEqual(['pod-0', 'pod-1', 'pod-2']);
  });

  it('ignores names of rules that do not grant get pods/log', () => {
    const rules: SubjectRule[] = [
      { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['get'], apiGroups: [''], resources: ['pods/exec'], resourceNames: ['shell'] },
      { ...podLogRead, resourceNames: ['pod-1'] },
    ];
    expect(readablePodsFromRules(rules)).toEqual(['pod-1']);
  });

  it('reads nothing without a matching rule', () => {
    expect(readablePodsFromRules([])).toEqual([]);
    expect(readablePodsFromRules([{ verbs: ['get'], apiGroups: [''], resources: ['pods', 'namespaces'] }])).toEqual([]);
  });
});

describe('isNothing', () => {
  it('is true only for an empty list of pods', () => {
    expect(isNothing([])).toBe(true);
    expect(isNothing(['pod-1'])).toBe(false);
    expect(isNothing('*')).toBe(false);
  });
});
