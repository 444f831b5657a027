import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { ingestRequest } from '../../../../test/fixtures/flow-tap/ingest-request';
import { SHIPPER_BODIES, shipperBodyBytes } from '../../../../test/fixtures/flow-tap/shipper-bodies';
import { IngestLimitsSchema } from '../flow-tap-config';
import { readIngestBody } from './read-ingest-body';

const LIMITS = IngestLimitsSchema.parse({});
const KIB = 1024;
const RECORD = '{"log":"x","kubernetes":{"namespace_name":"production","pod_name":"acme-app-7d4b9c-abcde","container_name":"app"}}';

describe('readIngestBody', () => {
  describe.each(SHIPPER_BODIES)('$name', (shipper) => {
    const bytes = shipperBodyBytes(shipper.file);
    const accepted = { ok: true, records: shipper.records, dropped: shipper.dropped };

    it('accepts the body as the shipper sends it', async () => {
      const headers = { ...shipper.headers, 'content-length': String(bytes.length) };
      expect(await readIngestBody(ingestRequest(bytes, headers, 100), LIMITS)).toEqual(accepted);
    });

    it('accepts it gzipped (compress gzip)', async () => {
      const gzipped = gzipSync(bytes);
      const headers = { ...shipper.headers, 'content-encoding': 'gzip', 'content-length': String(gzipped.length) };
      expect(await readIngestBody(ingestRequest(gzipped, headers), LIMITS)).toEqual(accepted);
    });
  });

  it('gunzips a gzip body that lost its Content-Encoding header', async () => {
    expect(await readIngestBody(ingestRequest(gzipSync(`${RECORD}\n`)), LIMITS)).toMatchObject({ ok: true, records: [{ line: 'x' }] });
  });

  it('answers 400 for a gzip body that is not gzip or is cut off', async () => {
    const gzipped = gzipSync(`${RECORD}\n`);
    for (const body of [Buffer.from(RECORD), gzipped.subarray(0, gzipped.length - 3)]) {
      expect(await readIngestBody(ingestRequest(body, { 'content-encoding': 'gzip' }), LIMITS)).toMatchObject({
        ok: false,
        status: 400,
        code: 'corrupt_gzip',
      });
    }
  });

  it('answers 400 for a truncated array, keeping none of its records', async () => {
    const body = shipperBodyBytes('fluentd-json-array.txt');
    const result = await readIngestBody(ingestRequest(body.subarray(0, body.length - 1), { 'content-type': 'application/json' }), LIMITS);
    expect(result).toEqual({
      ok: false,
      status: 400,
      code: 'malformed_json',
      reason: 'the body ends before the array is closed (after record 2)',
    });
  });

  it('answers 413 past maxBodyBytes and stops reading there', async () => {
    const request = ingestRequest(Buffer.alloc(1024 * KIB, ' '), {}, 4 * KIB);
    expect(await readIngestBody(request, { ...LIMITS, maxBodyBytes: 64 * KIB })).toMatchObject({
      ok: false,
      status: 413,
      code: 'body_too_large',
    });
    expect(request.pulledBytes()).toBe(68 * KIB);
  });

  it('answers 413 for a body that inflates past maxDecodedBytes (gzip bomb)', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * KIB, ' '));
    expect(bomb.length).toBeLessThan(LIMITS.maxBodyBytes);
    const result = await readIngestBody(ingestRequest(bomb, { 'content-encoding': 'gzip' }), LIMITS);
    expect(result).toEqual({
      ok: false,
      status: 413,
      code: 'decoded_too_large',
      reason: `the body inflates to more than ${LIMITS.maxDecodedBytes} bytes`,
    });
  });

  it('holds an uncompressed body to maxDecodedBytes too', async () => {
    const limits = { ...LIMITS, maxBodyBytes: 8 * KIB, maxDecodedBytes: 4 * KIB };
    expect(await readIngestBody(ingestRequest(Buffer.alloc(5 * KIB, ' ')), limits)).toMatchObject({
      status: 413,
      code: 'decoded_too_large',
    });
  });

  it('answers 413 past maxRecords', async () => {
    const body = `${RECORD}\n`.repeat(11);
    expect(await readIngestBody(ingestRequest(body), { ...LIMITS, maxRecords: 10 })).toMatchObject({
      ok: false,
      status: 413,
      code: 'too_many_records',
    });
  });

  it('answers 415 for msgpack without reading the body', async () => {
    for (const type of ['application/msgpack', 'application/x-msgpack']) {
      const request = ingestRequest(Buffer.from([0x92, 0x01, 0x02]), { 'content-type': type });
      expect(await readIngestBody(request, LIMITS)).toMatchObject({ ok: false, status: 415, code: 'unsupported_media_type' });
      expect(request.pulledBytes()).toBe(0);
    }
  });

  it('answers 415 for encodings other than gzip without reading the body', async () => {
    for (const encoding of ['br', 'deflate', 'zstd', 'snappy', 'gzip, br']) {
      const request = ingestRequest(RECORD, { 'content-encoding': encoding });
      expect(await readIngestBody(request, LIMITS), encoding).toMatchObject({ ok: false, status: 415, code: 'unsupported_encoding' });
      expect(request.pulledBytes()).toBe(0);
    }
  });

  it('counts records without a pod or a message and keeps the others', async () => {
    const body = `${RECORD}\n{"log":"no pod"}\n{"kubernetes":{"namespace_name":"a","pod_name":"b","container_name":"c"}}\n`;
    expect(await readIngestBody(ingestRequest(body), LIMITS)).toMatchObject({
      ok: true,
      records: [{ line: 'x' }],
      dropped: { no_pod: 1, no_message: 1 },
    });
  });
});
