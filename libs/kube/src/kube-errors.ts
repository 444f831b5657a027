// Maps HTTP statuses and network failures to SDK errors with codes. Messages say what was asked
// and how it failed, never the token or the apiserver's body (which can quote either).
import { InputError, NotAllowedError, NotFoundError, type PluginError, UpstreamUnavailableError } from '@tailgate/plugin-sdk';

/** A watch or request answered 410 Gone: the resourceVersion is too old; re-list. */
export class ResourceVersionExpiredError extends UpstreamUnavailableError {}

export function errorForStatus(status: number, what: string): PluginError {
  const message = `kube-apiserver answered ${status} to ${what}`;
  const details = { status };
  if (status === 410) return new ResourceVersionExpiredError(message, { details });
  if (status === 401 || status === 403) return new NotAllowedError(message, { details });
  if (status === 404) return new NotFoundError(message, { details });
  if (status === 400 || status === 422) return new InputError(message, { details });
  return new UpstreamUnavailableError(message, { details });
}

/** Network errors and aborts; `cause` keeps the system error (code only, no URL secrets) for logs. */
export function errorForNetwork(error: unknown, what: string): PluginError {
  const code = (error as { code?: unknown } | null)?.code;
  const name = error instanceof Error ? error.name : 'error';
  const label = typeof code === 'string' ? code : name;
  return new UpstreamUnavailableError(`kube-apiserver unreachable for ${what} (${label})`, { cause: error });
}
