import { describe, expect, it } from 'vitest';

import { credentialFingerprinter } from './credential-fingerprint';

describe('credentialFingerprinter', () => {
  const token = 'a-bearer-token-of-some-length';

  it('gives one token one fingerprint and two tokens two', () => {
    const fingerprint = credentialFingerprinter();
    expect(fingerprint(token)).toBe(fingerprint(token));
    expect(fingerprint(token)).not.toBe(fingerprint(`${token}x`));
  });

  it('contains nothing of the token, and differs between processes (keys)', () => {
    const a = credentialFingerprinter()(token);
    expect(a).not.toContain(token.slice(0, 6));
    expect(a).toHaveLength(22);
    expect(credentialFingerprinter()(token)).not.toBe(a);
  });
});
