// The JSON bodies of the gateway's small HTTP API (docs/protocol.md "HTTP API"), for the web UI.
// The readable scope is built field by field from pod metadata; nothing about a pod the user may
// not read is ever in it.

export interface ReadablePod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The controlling workload (a ReplicaSet's Deployment where the labels tell); absent when unknown. */
  readonly workload?: { readonly kind: string; readonly name: string };
  /** Absent when the pod metadata does not know them. */
  readonly containers?: readonly string[];
}

/** The body of `GET <basePath>/api/v1/sources/<sourceId>/scope`: what the signed-in user may read. */
export interface ReadableScopeBody {
  readonly source: string;
  /** Namespaces the user may read in, sorted. */
  readonly namespaces: readonly string[];
  /** Pods the user may read, by namespace then name. */
  readonly pods: readonly ReadablePod[];
  /** More pods may be readable than listed (at most `MAX_SCOPE_PODS`). */
  readonly truncated: boolean;
}

/** The body of `GET <basePath>/api/v1/session` in desktop mode: the local token, for the page the gateway serves. */
export interface DesktopSessionBody {
  readonly token: string;
}
