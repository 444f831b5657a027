// Reads a request body into one buffer, but never more than the cap: a shipper that sends more is
// refused as soon as the cap is passed, without reading (or buffering) the rest.
import type { PluginHttpRequest } from '@tailgate/plugin-sdk';

export type CappedBody = { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly readBytes: number };

/**
 * The whole body if it has at most `maxBytes` bytes. A `content-length` above the cap refuses
 * before reading anything; otherwise reading stops at the chunk that passes it (leaving the loop
 * returns the iterator, which lets the host stop the upload). Rejects when the body fails (the
 * client went away) or `signal` aborts: then there is no one left to answer.
 */
export async function readCappedBody(
  request: Pick<PluginHttpRequest, 'body' | 'headers' | 'signal'>,
  maxBytes: number,
): Promise<CappedBody> {
  const declared = Number(request.headers['content-length']);
  if (Number.isSafeInteger(declared) && declared > maxBytes) return { ok: false, readBytes: 0 };
  request.signal.throwIfAborted();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of request.body) {
    request.signal.throwIfAborted();
    total += chunk.byteLength;
    if (total > maxBytes) return { ok: false, readBytes: total };
    chunks.push(chunk);
  }
  return { ok: true, bytes: Buffer.concat(chunks, total) };
}
