// The `spec` of a tap's Output or ClusterOutput: fluentd's http output posting the Flow's records
// to this tap's ingest URL as newline-delimited JSON, with basic auth read from the tap's Secret.
// The buffer is small, in memory, flushed at once, and drops the oldest chunk when the gateway
// cannot keep up: a live tap must never hold back the Flow's other outputs (they share fluentd's
// `copy`), and unlike the operator's default it gives up after a few retries instead of forever.
import type { TapRef } from '../tap-ref';

export const INGEST_PATH = '/plugins/flow-tap/v1';
/** Keys of the tap's Secret. */
export const USERNAME_KEY = 'username';
export const PASSWORD_KEY = 'password';

/** `<ingestUrl>/plugins/flow-tap/v1/<kind>/<namespace>/<name>`. */
export function ingestEndpoint(ingestUrl: string, tap: TapRef): string {
  return `${ingestUrl.replace(/\/+$/, '')}${INGEST_PATH}/${tap.kind}/${tap.namespace}/${tap.name}`;
}

export interface TapOutputSpec {
  readonly http: {
    readonly endpoint: string;
    readonly format: { readonly type: 'json' };
    /** The ingest answers these when overloaded; fluentd treats other errors as unrecoverable. */
    readonly retryable_response_codes: readonly number[];
    readonly buffer: {
      readonly type: 'memory';
      readonly flush_mode: 'immediate';
      readonly queue_limit_length: number;
      readonly overflow_action: 'drop_oldest_chunk';
      readonly retry_forever: false;
      readonly retry_max_times: number;
    };
    readonly auth: { readonly username: SecretValue; readonly password: SecretValue };
  };
}

/** logging-operator's `secret.Secret` with `valueFrom` (read from a Secret in the Output's namespace). */
interface SecretValue {
  readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

export function tapOutputSpec(ingestUrl: string, tap: TapRef, secret: string): TapOutputSpec {
  const fromSecret = (key: string): SecretValue => ({ valueFrom: { secretKeyRef: { name: secret, key } } });
  return {
    http: {
      endpoint: ingestEndpoint(ingestUrl, tap),
      format: { type: 'json' },
      retryable_response_codes: [429, 503],
      buffer: {
        type: 'memory',
        flush_mode: 'immediate',
        queue_limit_length: 8,
        overflow_action: 'drop_oldest_chunk',
        retry_forever: false,
        retry_max_times: 3,
      },
      auth: { username: fromSecret(USERNAME_KEY), password: fromSecret(PASSWORD_KEY) },
    },
  };
}
