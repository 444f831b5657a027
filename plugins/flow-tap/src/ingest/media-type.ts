// Which `Content-Type`s we refuse before looking at the body. The JSON framings are told apart by
// sniffing, not by the header: fluent-bit sends json_stream as `application/json`, syslog-ng sends
// whatever its config says, and `curl -d` sends `application/x-www-form-urlencoded`.

/** Formats shippers can be set to that are not JSON (fluentd msgpack/csv/tsv/ltsv, fluent-bit msgpack). */
const REFUSED_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/msgpack',
  'application/x-msgpack',
  'application/vnd.msgpack',
  'text/csv',
  'text/tab-separated-values',
]);

/** The media type of a `content-type` header: lower case, without parameters; '' when absent. */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/** False for a body we know is not JSON (answered 415 so the operator fixes the shipper's format). */
export function isReadableMediaType(header: string | undefined): boolean {
  return !REFUSED_MEDIA_TYPES.has(mediaTypeOf(header));
}
