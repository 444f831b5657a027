import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { gunzipBounded } from './gunzip-bounded';

const member16MiB = gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });

describe('gunzipBounded', () => {
  it('inflates a gzip body, concatenated members as one', async () => {
    const body = Buffer.concat([gzipSync('{"a":1}\n'), gzipSync('{"b":2}\n')]);
    expect(await gunzipBounded(body, 1024)).toEqual({ ok: true, bytes: Buffer.from('{"a":1}\n{"b":2}\n') });
  });

  it('refuses a gzip bomb after the bound, without inflating it all', async () => {
    // 1 GiB of zeros in about 1 MiB (64 gzip members of 16 MiB each); inflating it all would take
    // seconds and a GiB of memory.
    const bomb = Buffer.concat(Array.from({ length: 64 }, () => member16MiB));
    const started = performance.now();
    expect(await gunzipBounded(bomb, 1024 * 1024)).toEqual({ ok: false, problem: 'too_large' });
    expect(performance.now() - started).toBeLessThan(2_000);
  }, 30_000);

  it('accepts a body that inflates to exactly the bound', async () => {
    const result = await gunzipBounded(gzipSync(Buffer.alloc(4096)), 4096);
    expect(result.ok).toBe(true);
  });

  it('calls a bad header, a cut-off stream, a bad checksum and trailing garbage corrupt', async () => {
    const good = gzipSync('{"a":1}');
    const badChecksum = Buffer.from(good);
    badChecksum[badChecksum.length - 5]! ^= 0xff;
    for (const body of [
      Buffer.from('{"a":1}'),
      good.subarray(0, good.length - 4),
      badChecksum,
      Buffer.concat([good, Buffer.from('garbage')]),
    ]) {
      expect(await gunzipBounded(body, 1024)).toEqual({ ok: false, problem: 'corrupt' });
    }
  });
});
