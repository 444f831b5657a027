import { describe, expect, it } from 'vitest';

import { addressKey, clientAddress } from './client-address';

describe('clientAddress', () => {
  it('is the TCP peer unless a proxy header is configured', () => {
    expect(clientAddress('10.0.0.1', { 'x-forwarded-for': '1.2.3.4' }, undefined)).toBe('10.0.0.1');
  });

  it('takes the last entry of the configured header (the one the trusted proxy added)', () => {
    expect(clientAddress('10.0.0.1', { 'x-forwarded-for': 'spoofed, 1.2.3.4' }, 'x-forwarded-for')).toBe('1.2.3.4');
    expect(clientAddress('10.0.0.1', { 'x-real-ip': ['5.6.7.8', '1.2.3.4'] }, 'x-real-ip')).toBe('1.2.3.4');
  });

  it('falls back to the peer when the header is missing or empty, and cuts long values', () => {
    expect(clientAddress('10.0.0.1', {}, 'x-forwarded-for')).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', { 'x-forwarded-for': ' ' }, 'x-forwarded-for')).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', { 'x-forwarded-for': 'x'.repeat(10_000) }, 'x-forwarded-for')).toHaveLength(64);
  });
});

describe('addressKey', () => {
  it('keeps IPv4 addresses and unwraps IPv4-mapped ones', () => {
    expect(addressKey('127.0.0.1')).toBe('127.0.0.1');
    expect(addressKey('::ffff:127.0.0.1')).toBe('127.0.0.1');
  });

  it('counts an IPv6 address by its /64, however it is written', () => {
    expect(addressKey('2001:db8:0:1:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:0db8:0000:0001::1')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
