import { describe, expect, it } from 'vitest';

import { isSdkCompatible, parseSdkVersion, type SdkVersion, supportedSdkRange } from './sdk-compatibility';

const v = (text: string): SdkVersion => {
  const parsed = parseSdkVersion(text);
  if (!parsed) throw new Error(`not a version: ${text}`);
  return parsed;
};

describe('parseSdkVersion', () => {
  it('reads semver versions, pre-release and build included', () => {
    expect(parseSdkVersion('0.1.0')).toEqual({ major: 0, minor: 1, patch: 0 });
    expect(parseSdkVersion('12.34.56-rc.1+sha.abc')).toEqual({ major: 12, minor: 34, patch: 56 });
  });

  it.each(['', '1', '1.2', '1.2.3.4', 'v1.2.3', '01.2.3', '1.2.3-', ' 1.2.3', '^1.2.3', '1.2.x'])('refuses %j', (text) => {
    expect(parseSdkVersion(text)).toBeUndefined();
  });
});

describe('isSdkCompatible', () => {
  it.each([
    ['0.1.0', '0.1.0', true],
    ['0.1.9', '0.1.0', true],
    ['0.1.0', '0.1.7', true],
    ['0.1.0-rc.1', '0.1.0', true],
    ['0.2.0', '0.1.0', false],
    ['0.0.9', '0.1.0', false],
    ['1.0.0', '0.1.0', false],
    ['1.0.0', '1.4.2', true],
    ['1.4.9', '1.4.2', true],
    ['1.5.0', '1.4.2', false],
    ['2.0.0', '1.4.2', false],
    ['0.9.0', '1.0.0', false],
  ])('a plugin on %s under a host on %s: %s', (plugin, host, expected) => {
    expect(isSdkCompatible(v(plugin), v(host))).toBe(expected);
  });
});

describe('supportedSdkRange', () => {
  it('names the accepted versions as a semver range', () => {
    expect(supportedSdkRange(v('0.1.3'))).toBe('^0.1.0');
    expect(supportedSdkRange(v('1.4.2'))).toBe('>=1.0.0 <1.5.0');
    expect(supportedSdkRange(v('2.0.0'))).toBe('>=2.0.0 <2.1.0');
  });
});
