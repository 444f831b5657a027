// The one place a refusal code gets its HTTP status, so a code can never travel with the wrong one.
import type { IngestRefusal, IngestRefusalCode } from './ingest-record';

const STATUS_OF_CODE: Readonly<Record<IngestRefusalCode, IngestRefusal['status']>> = {
  corrupt_gzip: 400,
  malformed_json: 400,
  not_an_object: 400,
  too_deep: 400,
  body_too_large: 413,
  decoded_too_large: 413,
  too_many_records: 413,
  unsupported_encoding: 415,
  unsupported_media_type: 415,
};

/** A refusal with the status its code implies; `reason` must not quote the body. */
export function refuseIngest(code: IngestRefusalCode, reason: string): IngestRefusal {
  return { ok: false, status: STATUS_OF_CODE[code], code, reason };
}
