import { describe, expect, it } from 'vitest';

import { parseBasicAuth } from './basic-auth';

const basic = (text: string): string => `Basic ${Buffer.from(text).toString('base64')}`;

describe('parseBasicAuth', () => {
  it('reads user and password, the password up to the end (colons included)', () => {
    expect(parseBasicAuth(basic('tailgate-tap:pa:ss'))).toEqual({ username: 'tailgate-tap', password: 'pa:ss' });
    expect(parseBasicAuth(`basic ${Buffer.from('u:').toString('base64')}`)).toEqual({ username: 'u', password: '' });
  });

  it('finds no credentials in a missing, other-scheme, malformed or colon-less header', () => {
    for (const header of [
      undefined,
      '',
      'Bearer abc',
      'Basic',
      'Basic !!!',
      basic('no-colon'),
      `Basic ${Buffer.from('a:b').toString('base64')} extra`,
    ]) {
      expect(parseBasicAuth(header), String(header)).toBeUndefined();
    }
  });
});
