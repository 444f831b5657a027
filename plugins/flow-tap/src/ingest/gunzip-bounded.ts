// Gunzips a body with a bound on what it inflates to: a gzip bomb (a few KiB that inflate to GiB)
// costs at most `maxBytes` of output before it is refused. Runs on the zlib thread pool, so a
// large body does not stall the event loop.
import { gunzip } from 'node:zlib';

export type GunzipResult =
  { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly problem: 'too_large' | 'corrupt' };

/**
 * The inflated body (concatenated gzip members are read as one, as RFC 1952 allows), `too_large`
 * once the output passes `maxBytes` (zlib stops there), or `corrupt` for anything zlib rejects:
 * a bad header, a bad checksum, a cut-off stream, trailing bytes that are not gzip.
 */
export function gunzipBounded(body: Uint8Array, maxBytes: number): Promise<GunzipResult> {
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: maxBytes }, (error, bytes) => {
      const code = error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
      if (error === null) resolve({ ok: true, bytes });
      else if (code === 'ERR_BUFFER_TOO_LARGE') resolve({ ok: false, problem: 'too_large' });
      else if (code?.startsWith('Z_') === true) resolve({ ok: false, problem: 'corrupt' });
      // Not the body's fault (out of memory, a Node bug): the endpoint answers 500 and logs it.
      else reject(error);
    });
  });
}
