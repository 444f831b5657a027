// A tap's ingest password: random, made when its Output is created (so recreating a tap rotates
// it), stored in plain text only in the tap's Secret (fluentd reads it from there as basic-auth
// password) and as a SHA-256 in shared state, which the ingest endpoint compares in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import type { StoredCredential } from './tap-state';

export const TAP_USERNAME = 'tailgate-tap';

export interface TapCredential {
  readonly generation: string;
  readonly password: string;
}

export function newTapCredential(): TapCredential {
  return { generation: randomBytes(9).toString('base64url'), password: randomBytes(32).toString('base64url') };
}

export function storedCredential(credential: TapCredential): StoredCredential {
  return { generation: credential.generation, sha256: sha256Hex(credential.password) };
}

/** True when `password` is the one `stored` was made from. */
export function credentialMatches(stored: StoredCredential, password: string): boolean {
  const expected = Buffer.from(stored.sha256, 'hex');
  const actual = Buffer.from(sha256Hex(password), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
