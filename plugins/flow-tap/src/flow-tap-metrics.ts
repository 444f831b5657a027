// The flow tap's counters. Label values come from the fixed sets below, never from names in a
// body or a path: a shipper cannot grow the series count.
import type { PluginCounter, PluginMetrics } from '@tailgate/plugin-sdk';

/** Why the tap stream left a record (or a whole message) out. */
export type TapDropReason =
  /** A bus message that is not a JSON array of records (every record in it is lost; counted once). */
  | 'invalid_message'
  /** A Flow's record naming a pod outside the Flow's namespace. */
  | 'wrong_namespace'
  /** The apiserver knows no such pod: never passed on. */
  | 'unknown_pod'
  /** Pod metadata could not answer; the record is not passed on unchecked. */
  | 'pod_metadata_unavailable'
  /** Records waiting for the host reached their bound. */
  | 'overflow';

/** How the ingest endpoint answered a request. */
export type IngestResult =
  | 'accepted'
  | 'not_found'
  | 'method_not_allowed'
  | 'unauthenticated'
  | 'forbidden'
  | 'overloaded'
  /** The tap's credential could not be read (shared state away): 503. */
  | 'unavailable'
  | 'refused_body'
  | 'publish_failed';

export const RECORDS_DROPPED_METRIC = 'tailgate_flow_tap_records_dropped_total';
export const INGEST_REQUESTS_METRIC = 'tailgate_flow_tap_ingest_requests_total';
export const INGEST_RECORDS_METRIC = 'tailgate_flow_tap_ingest_records_total';

export interface FlowTapCounters {
  readonly recordsDropped: PluginCounter<'reason'>;
  readonly ingestRequests: PluginCounter<'result'>;
  /** `outcome`: `accepted`, or the reason the body reader left a record out (`no_pod`, `no_message`). */
  readonly ingestRecords: PluginCounter<'outcome'>;
}

export function flowTapCounters(metrics: PluginMetrics): FlowTapCounters {
  return {
    recordsDropped: metrics.counter({
      name: RECORDS_DROPPED_METRIC,
      help: 'Tapped records not passed on, by reason: invalid_message, wrong_namespace, unknown_pod, pod_metadata_unavailable, overflow.',
      labelNames: ['reason'],
    }),
    ingestRequests: metrics.counter({
      name: INGEST_REQUESTS_METRIC,
      help: 'Requests to the flow-tap ingest endpoint, by result: accepted, not_found, method_not_allowed, unauthenticated, forbidden, overloaded, unavailable, refused_body, publish_failed.',
      labelNames: ['result'],
    }),
    ingestRecords: metrics.counter({
      name: INGEST_RECORDS_METRIC,
      help: 'Records in accepted ingest bodies, by outcome: accepted, or no_pod / no_message (left out by the body reader).',
      labelNames: ['outcome'],
    }),
  };
}
