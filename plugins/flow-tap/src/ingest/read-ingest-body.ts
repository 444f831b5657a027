// The ingest endpoint's body reader: headers checked before a byte is read, the body read under
// `maxBodyBytes`, gunzipped under `maxDecodedBytes`, then parsed whole. Status codes follow what
// shippers do with them (docs: reference §3–§6): 400 and 415 are dropped by every shipper, so
// they are kept for bodies that would fail again; 413 tells the operator to send smaller chunks.
import type { PluginHttpRequest } from '@tailgate/plugin-sdk';

import type { IngestLimits } from '../flow-tap-config';
import { contentEncodingOf, looksGzipped, type ContentEncoding } from './content-encoding';
import { gunzipBounded } from './gunzip-bounded';
import type { IngestBodyResult, IngestRefusal } from './ingest-record';
import { refuseIngest } from './ingest-refusal';
import { isReadableMediaType, mediaTypeOf } from './media-type';
import { parseIngestBody } from './parse-ingest-body';
import { readCappedBody } from './read-capped-body';

/**
 * Reads, decodes and parses one shipper body. Rejects only when the body cannot be read (the
 * client went away, `request.signal` aborted): then no one is left to answer.
 */
export async function readIngestBody(request: PluginHttpRequest, limits: IngestLimits): Promise<IngestBodyResult> {
  const contentType = request.headers['content-type'];
  if (!isReadableMediaType(contentType)) {
    // Only a type from our own refused list is named back, never arbitrary header text.
    return refuseIngest(
      'unsupported_media_type',
      `${mediaTypeOf(contentType)} is not read: send JSON (fluentd format json, fluent-bit json, json_lines or json_stream)`,
    );
  }
  const encoding = contentEncodingOf(request.headers['content-encoding']);
  if (encoding === undefined) return refuseIngest('unsupported_encoding', 'the only Content-Encoding read is gzip');
  const body = await readCappedBody(request, limits.maxBodyBytes);
  if (!body.ok) return refuseIngest('body_too_large', `the body is larger than ${limits.maxBodyBytes} bytes`);
  const decoded = await decodeBody(body.bytes, encoding, limits.maxDecodedBytes);
  if (!decoded.ok) return decoded;
  return parseIngestBody(decoded.bytes, limits);
}

async function decodeBody(
  bytes: Buffer,
  encoding: ContentEncoding,
  maxDecodedBytes: number,
): Promise<{ readonly ok: true; readonly bytes: Buffer } | IngestRefusal> {
  const tooLarge = refuseIngest('decoded_too_large', `the body inflates to more than ${maxDecodedBytes} bytes`);
  if (encoding === 'identity' && !looksGzipped(bytes)) return bytes.length > maxDecodedBytes ? tooLarge : { ok: true, bytes };
  const inflated = await gunzipBounded(bytes, maxDecodedBytes);
  if (inflated.ok) return inflated;
  return inflated.problem === 'too_large' ? tooLarge : refuseIngest('corrupt_gzip', 'the body is not valid gzip');
}
