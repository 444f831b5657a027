import { describe, expect, it } from 'vitest';

import { isBounded, nodeLogScope, NodeLogSelectorSchema, nodeLogStreamKey, queryName } from './node-log-selector';

function problems(raw: unknown): string[] {
  const parsed = NodeLogSelectorSchema.safeParse(raw);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('NodeLogSelectorSchema', () => {
  it('takes one service, several, or one file, as a list', () => {
    expect(NodeLogSelectorSchema.parse({ node: 'node-a', query: 'kubelet' }).query).toEqual(['kubelet']);
    expect(NodeLogSelectorSchema.parse({ node: 'node-a', query: ['kubelet', 'containerd.service', 'user@1000'] }).query).toHaveLength(3);
    expect(NodeLogSelectorSchema.parse({ node: 'node-a', query: 'pods/audit.log' }).query).toEqual(['pods/audit.log']);
    const full = {
      node: 'node-a',
      query: ['kubelet'],
      pattern: 'error',
      boot: -1,
      sinceTime: '2024-05-01T10:00:00Z',
      untilTime: '2024-05-01T12:00:00.5+02:00',
      tailLines: 100000,
    };
    expect(NodeLogSelectorSchema.parse(full)).toEqual(full);
  });

  it.each([
    [{ node: 'node-a', query: ['a', 'b', 'c', 'd', 'e'] }, 'query: query names at most 4 services'],
    [{ node: 'node-a', query: [] }, 'query: query names at least one service or a file'],
    [{ node: 'node-a' }, 'query: query is a service name, a file path, or a list of up to 4 service names'],
    [{ node: 'node-a', query: 'kube let' }, 'query.0: a service name has 1-256 letters'],
    [{ node: 'node-a', query: 'x'.repeat(257) }, 'query.0: a service name has 1-256 letters'],
    [{ node: 'node-a', query: 'pods/audit.log', tailLines: 5 }, 'query: a file query takes no options'],
    [{ node: 'node-a', query: ['pods/a.log', 'kubelet'] }, 'query: query names either up to 4 services or exactly one file'],
    [{ node: 'node-a', query: ['pods/a.log', 'pods/b.log'] }, 'query: query names either up to 4 services or exactly one file'],
    [{ node: 'node-a', query: '../etc/shadow' }, 'query.0: a file is a path under /var/log'],
    [{ node: 'node-a', query: '/etc/shadow' }, 'query.0: a file is a path under /var/log'],
    [{ node: 'node-a', query: 'pods\\audit.log' }, 'query.0: a file is a path under /var/log'],
    [{ node: 'node-a', query: 'kubelet', pattern: 'error(?=:)' }, 'pattern: pattern: lookahead and lookbehind are not supported'],
    [
      { node: 'node-a', query: 'kubelet', sinceTime: '2024-05-01T10:00:05Z', untilTime: '2024-05-01T10:00:00Z' },
      'untilTime: untilTime must not be before sinceTime',
    ],
    [{ node: 'node-a', query: 'kubelet', sinceTime: '2024-05-01 10:00:00' }, 'sinceTime: sinceTime must be an RFC 3339 time'],
    [{ node: 'node-a', query: 'kubelet', untilTime: '2024-05-01T10:00:00' }, 'untilTime: untilTime must be an RFC 3339 time'],
    [{ node: 'node-a', query: 'kubelet', boot: 1 }, 'boot: boot is 0 (the current boot) or negative'],
    [{ node: 'node-a', query: 'kubelet', tailLines: 100001 }, 'tailLines: tailLines is 0-100000'],
    [{ node: 'node-a', query: 'kubelet', tailLines: -1 }, 'tailLines: tailLines is 0-100000'],
    [{ node: 'Node_A', query: 'kubelet' }, 'node: node must be a node name'],
    [{ node: 'node-a', query: 'kubelet', follow: true }, ': Unrecognized key: "follow"'],
  ])('refuses %j with a clear message', (raw, message) => {
    expect(problems(raw).join('\n')).toContain(message);
  });

  it('accepts untilTime equal to sinceTime, as the kubelet does', () => {
    expect(problems({ node: 'n', query: 'kubelet', sinceTime: '2024-05-01T10:00:00Z', untilTime: '2024-05-01T10:00:00Z' })).toEqual([]);
  });
});

describe('selector helpers', () => {
  const parse = (raw: unknown) => NodeLogSelectorSchema.parse(raw);

  it('scopes to nodes/log of the node', () => {
    expect(nodeLogScope(parse({ node: 'node-a', query: 'kubelet' }))).toEqual([{ resource: 'nodes/log', node: 'node-a' }]);
  });

  it('names the query after its services or file', () => {
    expect(queryName(parse({ node: 'n', query: ['kubelet', 'containerd'] }))).toBe('kubelet,containerd');
    expect(queryName(parse({ node: 'n', query: 'pods/audit.log' }))).toBe('pods/audit.log');
  });

  it('gives one stream key per distinct query, the same for a string and a one-element list', () => {
    const key = (raw: unknown) => nodeLogStreamKey(parse(raw));
    expect(key({ node: 'n', query: 'kubelet' })).toBe(key({ node: 'n', query: ['kubelet'] }));
    expect(key({ node: 'n', query: 'kubelet' })).not.toBe(key({ node: 'm', query: 'kubelet' }));
    expect(key({ node: 'n', query: 'kubelet' })).not.toBe(key({ node: 'n', query: 'kubelet', pattern: 'x' }));
    expect(key({ node: 'n', query: 'kubelet', tailLines: 1 })).not.toBe(key({ node: 'n', query: 'kubelet', tailLines: 2 }));
  });

  it('reads queries up to a time, or of an earlier boot, once', () => {
    expect(isBounded(parse({ node: 'n', query: 'kubelet', untilTime: '2024-05-01T10:00:00Z' }))).toBe(true);
    expect(isBounded(parse({ node: 'n', query: 'kubelet', boot: -1 }))).toBe(true);
    expect(isBounded(parse({ node: 'n', query: 'kubelet', boot: 0, sinceTime: '2024-05-01T10:00:00Z' }))).toBe(false);
  });
});
