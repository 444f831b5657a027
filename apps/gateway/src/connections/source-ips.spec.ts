import { describe, expect, it } from 'vitest';

import { sourceIPs } from './source-ips';

describe('sourceIPs', () => {
  it('is the TCP peer alone when no proxy header is trusted, even if the client sends one', () => {
    expect(sourceIPs('::ffff:10.1.2.3', { 'x-forwarded-for': '203.0.113.9' }, undefined)).toEqual(['10.1.2.3']);
  });

  it('lists the client first, then the proxies, then the peer, as the apiserver does', () => {
    const headers = { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' };
    expect(sourceIPs('10.0.0.5', headers, 'x-forwarded-for')).toEqual(['203.0.113.9', '198.51.100.7', '10.0.0.5']);
  });

  it('keeps only addresses from the header, and IPv6 addresses whole', () => {
    const headers = { 'x-forwarded-for': 'not-an-ip, 2001:db8::1' };
    expect(sourceIPs('2001:db8::2', headers, 'x-forwarded-for')).toEqual(['2001:db8::1', '2001:db8::2']);
  });
});
