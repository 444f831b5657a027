// What the ingest endpoint makes of a shipper's body: records that name their pod as the shipper
// saw it (fluent-bit's kubernetes filter), or why the body is refused. The pod's labels in the
// body are never kept: authorization reads them from the apiserver.

/** One record of a body, as the shipper named it; the source checks the pod against the apiserver. */
export interface IngestRecord {
  /** `kubernetes.namespace_name`. */
  readonly namespace: string;
  /** `kubernetes.pod_name`. */
  readonly pod: string;
  /** `kubernetes.container_name`. */
  readonly container: string;
  readonly stream: 'stdout' | 'stderr';
  /**
   * RFC 3339 in UTC with nine fraction digits, e.g. `2024-05-01T10:00:00.123456789Z` (from `time`,
   * else fluent-bit's `date`); undefined when the record has no valid one.
   */
  readonly time?: string;
  /** The message (`message`, `log` or `MESSAGE`) without one trailing `\n`, cut at `maxLineBytes` with LINE_CUT_MARKER. */
  readonly line: string;
}

/** Why records of an accepted body were left out (counted, never an error for the shipper). */
export type IngestDropReason = 'no_pod' | 'no_message';

/** Why a body is refused, by the status the shipper gets (each documented where it is decided). */
export type IngestRefusalCode =
  // 400: the shipper drops the body (fluentd unrecoverable, fluent-bit no retry, syslog-ng drop).
  | 'corrupt_gzip'
  | 'malformed_json'
  | 'not_an_object'
  | 'too_deep'
  // 413: too large to take; only a smaller body would pass.
  | 'body_too_large'
  | 'decoded_too_large'
  | 'too_many_records'
  // 415: an encoding or a format we do not read (msgpack, csv, brotli, …).
  | 'unsupported_encoding'
  | 'unsupported_media_type';

export interface IngestRefusal {
  readonly ok: false;
  /** 400 malformed, 413 too large, 415 an encoding or format we do not read. */
  readonly status: 400 | 413 | 415;
  /** Machine-readable; stable across releases. */
  readonly code: IngestRefusalCode;
  /** Safe to send back: says where (a record number, a limit), never quotes the body. */
  readonly reason: string;
}

export interface IngestAccepted {
  readonly ok: true;
  /** Every usable record of the body, in body order. */
  readonly records: readonly IngestRecord[];
  /** Records left out, by reason; absent reasons are 0. */
  readonly dropped: Readonly<Partial<Record<IngestDropReason, number>>>;
}

export type IngestBodyResult = IngestAccepted | IngestRefusal;
