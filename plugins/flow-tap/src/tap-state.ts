// The names of what the flow tap shares between gateway replicas and the worker (SharedState):
// - DEMAND_SET: tap keys some replica streams now, renewed while the stream runs, so a replica
//   that dies stops wanting its taps once their entries expire;
// - DEMAND_VERSION: counts changes of demand, so a reconcile that ran while demand changed runs
//   again before it finishes;
// - credentialKey(tap): the SHA-256 of the tap's current ingest password and its generation; the
//   ingest endpoint accepts only that password (the plaintext is in the tap's Secret only).
import type { TapRef } from './tap-ref';
import { tapKey } from './tap-ref';

export const DEMAND_SET = 'flow-tap:demand';
export const DEMAND_VERSION = 'flow-tap:demand-version';

export function credentialKey(tap: TapRef): string {
  return `flow-tap:credential:${tapKey(tap)}`;
}

/** What credentialKey holds, as JSON. */
export interface StoredCredential {
  /** Random per creation of the tap's Output; a recreated tap has a new one. */
  readonly generation: string;
  /** Hex SHA-256 of the password. */
  readonly sha256: string;
}

/** The plugin-bus channel an ingested body of a tap is published on (a JSON array of records). */
export function recordsChannel(tap: TapRef): string {
  return `flow-tap:records:${tapKey(tap)}`;
}
