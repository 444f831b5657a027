import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { contentEncodingOf, looksGzipped } from './content-encoding';

describe('contentEncodingOf', () => {
  it('reads no header, an empty one and identity as identity', () => {
    expect(contentEncodingOf(undefined)).toBe('identity');
    expect(contentEncodingOf('')).toBe('identity');
    expect(contentEncodingOf('identity')).toBe('identity');
  });

  it('reads gzip and its x-gzip alias in any case, with identity entries ignored', () => {
    expect(contentEncodingOf('gzip')).toBe('gzip');
    expect(contentEncodingOf('GZip')).toBe('gzip');
    expect(contentEncodingOf('x-gzip')).toBe('gzip');
    expect(contentEncodingOf(' gzip , identity')).toBe('gzip');
  });

  it('refuses codings it cannot undo and stacked codings', () => {
    for (const header of ['deflate', 'br', 'zstd', 'snappy', 'compress', 'gzip, gzip', 'gzip, br']) {
      expect(contentEncodingOf(header), header).toBeUndefined();
    }
  });
});

describe('looksGzipped', () => {
  it('sees the gzip magic bytes and nothing else', () => {
    expect(looksGzipped(gzipSync('{}'))).toBe(true);
    expect(looksGzipped(Buffer.from('{"a":1}'))).toBe(false);
    expect(looksGzipped(Buffer.from([0x1f]))).toBe(false);
    expect(looksGzipped(Buffer.alloc(0))).toBe(false);
  });
});
