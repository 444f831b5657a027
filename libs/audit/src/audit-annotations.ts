// Annotation keys Tailgate adds to its audit events. Our own facts live under `tailgate.dev/`;
// the decision is also written under the apiserver's `authorization.k8s.io/` keys, because
// existing rules (Falco's k8saudit, SIEM dashboards) already filter on those.

export const AUDIT_ANNOTATION_PREFIX = 'tailgate.dev/';

export const AUDIT_ANNOTATIONS = {
  /** Which of Tailgate's moments this event records (see AuditMoment). */
  moment: 'tailgate.dev/event',
  /** `allow`, `deny` or `conditional` (allowed for the records that pass the conditions). */
  decision: 'tailgate.dev/decision',
  /** `<pluginId>.<name>` of the authorizer (or authenticator) that decided. */
  authorizer: 'tailgate.dev/authorizer',
  /** Why, in the deciding plugin's words; never a token or a log line. */
  reason: 'tailgate.dev/reason',
  /** The container of a pod log stream (the objectRef names only the pod). */
  container: 'tailgate.dev/container',
  /** The object an Events stream regards (`deployment.apps:web`; the objectRef names only `events`). */
  regarding: 'tailgate.dev/regarding',
  /** Records delivered to the listener on this stream so far (decimal). */
  records: 'tailgate.dev/records',
  /** Bytes of records delivered to the listener on this stream so far (decimal). */
  bytes: 'tailgate.dev/bytes',
  /** Why a stream ended: e.g. `completed`, `client-closed`, `revoked`, `shutdown`. */
  endReason: 'tailgate.dev/end-reason',
  /** The Socket.IO connection the request came in on, to correlate with the gateway's logs. */
  connection: 'tailgate.dev/connection',
  /** The apiserver's own decision annotation: `allow` or `forbid`. */
  kubeDecision: 'authorization.k8s.io/decision',
  kubeReason: 'authorization.k8s.io/reason',
} as const;

/** The moments the gateway records. */
export type AuditMoment = 'authentication-failed' | 'subscribe' | 'decision' | 'revocation' | 'stream-end';
