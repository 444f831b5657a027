// Which tap an ingest request posts to: `POST|PUT /v1/<flow|clusterflow>/<namespace>/<name>`
// under `/plugins/flow-tap`, the URL reconcile writes into the tap's Output (a ClusterFlow's path
// carries the control namespace, as its tap key does). Pure, so every answer here is tested.
import { parseTapKey, type TapRef } from './tap-ref';

export const INGEST_METHODS = ['POST', 'PUT'] as const;

export type IngestRoute =
  { readonly ok: true; readonly tap: TapRef } | { readonly ok: false; readonly status: 404 } | { readonly ok: false; readonly status: 405 };

/** The path reconcile gives a tap's Output: `/v1/<tap key>`. */
export function ingestPath(tap: TapRef): string {
  return `/v1/${tap.kind}/${tap.namespace}/${tap.name}`;
}

export function ingestRoute(method: string, path: string, controlNamespace: string): IngestRoute {
  if (!path.startsWith('/v1/')) return { ok: false, status: 404 };
  const tap = parseTapKey(path.slice('/v1/'.length));
  // ClusterFlows are only ever read from the control namespace: no tap exists anywhere else.
  if (tap === undefined || (tap.kind === 'clusterflow' && tap.namespace !== controlNamespace)) return { ok: false, status: 404 };
  if (!(INGEST_METHODS as readonly string[]).includes(method.toUpperCase())) return { ok: false, status: 405 };
  return { ok: true, tap };
}
