// The addresses an audit event lists as `sourceIPs`, as the apiserver lists them: the client
// first, then the proxies in between. The header a trusted proxy sets
// (`connections.clientAddressHeader`, X-Forwarded-For style) is read only when configured; without
// it, the TCP peer alone. Unlike clientAddress (a rate-limit key), addresses are kept whole.
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

/** At most this many addresses are kept from a header; a longer chain is cut at its client end. */
const MAX_SOURCE_IPS = 8;

export function sourceIPs(peer: string, headers: IncomingHttpHeaders, header: string | undefined): string[] {
  const value = header === undefined ? undefined : headers[header];
  const forwarded = (Array.isArray(value) ? value.join(',') : (value ?? ''))
    .split(',')
    .map((entry) => unmapped(entry.trim()))
    .filter((entry) => isIP(entry) !== 0)
    .slice(-MAX_SOURCE_IPS);
  const own = unmapped(peer);
  return forwarded.at(-1) === own ? forwarded : [...forwarded, own];
}

/** An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) as the IPv4 address it carries. */
function unmapped(address: string): string {
  return /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1] ?? address;
}
