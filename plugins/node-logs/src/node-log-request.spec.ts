import { describe, expect, it } from 'vitest';

import { nodeLogPath } from './node-log-request';

describe('nodeLogPath', () => {
  it('asks the node proxy for /logs/ with a trailing slash and every option', () => {
    const path = nodeLogPath('node-a', {
      query: ['kubelet', 'containerd'],
      pattern: 'sync error+',
      boot: -1,
      sinceTime: '2024-05-01T10:00:00Z',
      untilTime: '2024-05-01T11:00:00+02:00',
      tailLines: 10,
    });
    expect(path.split('?')[0]).toBe('/api/v1/nodes/node-a/proxy/logs/');
    const params = new URLSearchParams(path.split('?')[1]);
    expect(params.getAll('query')).toEqual(['kubelet', 'containerd']);
    expect(Object.fromEntries([...params].filter(([name]) => name !== 'query'))).toEqual({
      pattern: 'sync error+',
      boot: '-1',
      sinceTime: '2024-05-01T10:00:00Z',
      untilTime: '2024-05-01T11:00:00+02:00',
      tailLines: '10',
    });
  });

  it('sends a file query with nothing else', () => {
    expect(nodeLogPath('node-a', { query: ['pods/audit.log'] })).toBe('/api/v1/nodes/node-a/proxy/logs/?query=pods%2Faudit.log');
  });
});
