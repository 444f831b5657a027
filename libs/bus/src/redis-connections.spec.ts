// Addressing cluster nodes the seed URL's way.
import { describe, expect, it } from 'vitest';

import { clusterNodeUrl } from './redis-connections';

describe('clusterNodeUrl', () => {
  it("keeps the seed URL's scheme and credentials and drops its database", () => {
    expect(clusterNodeUrl('rediss://app:s3cr%40t@seed.svc:7000/2', '10.1.2.3:7001')).toBe('rediss://app:s3cr%40t@10.1.2.3:7001');
  });

  it('brackets IPv6 hosts', () => {
    expect(clusterNodeUrl('redis://[::1]:7000', '::1:7002')).toBe('redis://[::1]:7002');
  });
});
