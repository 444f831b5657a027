// The address a connection's limits are kept under: the TCP peer, or the last entry of a header
// a trusted proxy sets (`connections.clientAddressHeader`). IPv6 addresses count by their /64
// (one host usually holds a whole /64), IPv4-mapped ones as the IPv4 address.
import type { IncomingHttpHeaders } from 'node:http';
import { isIPv6 } from 'node:net';

/** Longest address kept as a key; a longer header value is cut. */
const MAX_ADDRESS_LENGTH = 64;

export function clientAddress(peer: string, headers: IncomingHttpHeaders, header: string | undefined): string {
  const value = header === undefined ? undefined : headers[header];
  const raw = Array.isArray(value) ? value.at(-1) : value;
  const fromProxy = raw?.split(',').at(-1)?.trim().slice(0, MAX_ADDRESS_LENGTH);
  return addressKey(fromProxy ? fromProxy : peer);
}

export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (!isIPv6(address)) return address;
  return `${hextets(address).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, `::` expanded, without leading zeros. */
function hextets(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const before = head ? head.split(':') : [];
  const after = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - before.length - after.length)).fill('0');
  return [...before, ...zeros, ...after].map((group) => (/^[0-9a-f]{1,4}$/i.test(group) ? parseInt(group, 16).toString(16) : group));
}
