// A decoded body → records, all or nothing: every object is parsed and checked before any record
// is returned, so a shipper never has half a body delivered and then a 400 (log-socket's defect).
import type { IngestLimits } from '../flow-tap-config';
import type { IngestBodyResult, IngestDropReason, IngestRecord } from './ingest-record';
import { refuseIngest } from './ingest-refusal';
import { jsonObjectSpans } from './json-object-spans';
import { toIngestRecord } from './to-ingest-record';

/**
 * Nesting allowed inside one record. A Kubernetes record needs 3 levels (record, kubernetes,
 * labels); merged JSON logs add a few. JSON.parse survives a million levels but takes seconds.
 */
export const MAX_RECORD_DEPTH = 64;

const BYTE_ORDER_MARK = 0xfeff;

/** Records of an ndjson, json_stream or JSON-array body (sniffed from its first character). */
export function parseIngestBody(body: Buffer, limits: Pick<IngestLimits, 'maxRecords' | 'maxLineBytes'>): IngestBodyResult {
  // Invalid UTF-8 becomes U+FFFD here, once for the whole body; nothing downstream sees raw bytes.
  const decoded = body.toString('utf8');
  const text = decoded.charCodeAt(0) === BYTE_ORDER_MARK ? decoded.slice(1) : decoded;
  const spans = jsonObjectSpans(text, { maxObjects: limits.maxRecords, maxDepth: MAX_RECORD_DEPTH });
  if (!spans.ok) return spans;
  const records: IngestRecord[] = [];
  const dropped: Partial<Record<IngestDropReason, number>> = {};
  for (let index = 0; index < spans.bounds.length; index += 2) {
    let object: Record<string, unknown>;
    try {
      // A span starts with `{` and ends at its matching `}`: if it parses, it is an object.
      object = JSON.parse(text.slice(spans.bounds[index], spans.bounds[index + 1])) as Record<string, unknown>;
    } catch {
      // JSON.parse's message quotes the body: only the record number goes back.
      return refuseIngest('malformed_json', `record ${index / 2 + 1} is not valid JSON`);
    }
    const record = toIngestRecord(object, limits.maxLineBytes);
    if (typeof record === 'string') dropped[record] = (dropped[record] ?? 0) + 1;
    else records.push(record);
  }
  return { ok: true, records, dropped };
}
