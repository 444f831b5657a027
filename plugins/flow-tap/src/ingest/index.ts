// The ingest body reader, as the flow tap's endpoint uses it.
export { readIngestBody } from './read-ingest-body';
export { LINE_CUT_MARKER } from './cut-line';
export { MAX_RECORD_DEPTH } from './parse-ingest-body';
export type * from './ingest-record';
