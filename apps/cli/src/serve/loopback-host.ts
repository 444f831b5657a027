// Whether an address only this machine can reach. The desktop gateway speaks plain HTTP and its
// token carries the user's own cluster rights, so anything else must be asked for explicitly.
import { isIPv4 } from 'node:net';

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true;
  return isIPv4(host) && host.startsWith('127.');
}
