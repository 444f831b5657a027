// Which content coding a body arrives in. fluentd and fluent-bit send `Content-Encoding: gzip`
// with `compress gzip`; we read that and nothing else (no deflate, br, zstd or snappy).
export type ContentEncoding = 'identity' | 'gzip';

/** gzip's magic bytes (RFC 1952). 0x1f is never the first byte of JSON, so sniffing is unambiguous. */
const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * The coding named by a `content-encoding` header, or undefined for one we cannot undo. `x-gzip`
 * is gzip (RFC 9110 §8.4.1.3); `identity` entries are no-ops; stacked codings (`gzip, gzip`) are
 * refused rather than undone in a loop.
 */
export function contentEncodingOf(header: string | undefined): ContentEncoding | undefined {
  const codings = (header ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return 'identity';
  if (codings.length === 1 && (codings[0] === 'gzip' || codings[0] === 'x-gzip')) return 'gzip';
  return undefined;
}

/**
 * True when a body without a gzip header still starts with gzip's magic bytes. We gunzip such a
 * body instead of answering 400: it cannot be JSON, and a proxy that drops `Content-Encoding`
 * should not cost a shipper its logs.
 */
export function looksGzipped(body: Uint8Array): boolean {
  return body.length >= 2 && body[0] === GZIP_MAGIC_0 && body[1] === GZIP_MAGIC_1;
}
