// Domain errors with codes. The host maps `code` to the wire protocol in one place per
// transport; it matches on `code`, not `instanceof`, since a plugin may bundle its own copy.

export type PluginErrorCode =
  'invalid_request' | 'forbidden' | 'not_found' | 'upstream_unavailable' | 'plugin_config' | 'permanent_job_failure';

export abstract class PluginError extends Error {
  abstract readonly code: PluginErrorCode;
  /** Safe to show a client: no secrets, no upstream error text. */
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(message: string, options?: { cause?: unknown; details?: Readonly<Record<string, unknown>> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.details) this.details = options.details;
  }
}

export class InputError extends PluginError {
  readonly code = 'invalid_request';
}
export class NotAllowedError extends PluginError {
  readonly code = 'forbidden';
}
export class NotFoundError extends PluginError {
  readonly code = 'not_found';
}
/** Upstream (kube-apiserver, agent, files) failed in a way worth retrying. */
export class UpstreamUnavailableError extends PluginError {
  readonly code = 'upstream_unavailable';
}
/** Configuration a plugin cannot start with; reported at boot with every other problem. */
export class PluginConfigError extends PluginError {
  readonly code = 'plugin_config';
}
/** Fails a job without retrying. */
export class PermanentJobError extends PluginError {
  readonly code = 'permanent_job_failure';
}

const PLUGIN_ERROR_CODES: readonly string[] = [
  'invalid_request',
  'forbidden',
  'not_found',
  'upstream_unavailable',
  'plugin_config',
  'permanent_job_failure',
] satisfies PluginErrorCode[];

/** True for errors of this SDK (any copy of it); false for system errors such as ENOENT. */
export function isPluginError(error: unknown): error is PluginError {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && PLUGIN_ERROR_CODES.includes(code);
}
