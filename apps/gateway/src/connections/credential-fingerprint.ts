// Tells failing tokens apart without keeping them: an HMAC under a key drawn per process, so a
// fingerprint reveals nothing about the token and matches nothing outside this process.
import { createHmac, randomBytes } from 'node:crypto';

export function credentialFingerprinter(key: Buffer = randomBytes(32)): (token: string) => string {
  return (token) => createHmac('sha256', key).update(token).digest('base64url').slice(0, 22);
}
