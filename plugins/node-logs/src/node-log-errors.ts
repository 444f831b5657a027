// What a failed Node Log Query means, as an SDK error with a code and a fixed message. The
// apiserver's and kubelet's text is used to classify only: it quotes the query back (and could
// quote anything else), so it never reaches a client or our logs.
import { InputError, NotAllowedError, NotFoundError, type PluginError, UpstreamUnavailableError } from '@tailgate/plugin-sdk';

export interface FailedAnswer {
  readonly status: number;
  /** The apiserver's Status reason (`NotFound`, `Forbidden`, …); absent for a kubelet's plain text. */
  readonly reason?: string;
  readonly message?: string;
}

export const MESSAGES = {
  invalid: 'the kubelet refused the node log query: check query, pattern, boot, sinceTime, untilTime and tailLines',
  noFile: 'the node has no such log file under /var/log',
  forbidden: "the gateway may not read this node's logs: its identity needs get on nodes/proxy",
  noNode: 'no such node',
  notServed: "the node's kubelet does not serve Node Log Query (feature gate NodeLogQuery, enableSystemLogHandler, enableSystemLogQuery)",
  resolvedToFiles:
    'the queried services have no journal on this node and resolve to log files, which take no options: drop pattern, boot, sinceTime, untilTime and tailLines',
  unavailable: 'the node log query failed upstream',
} as const;

export function nodeLogQueryError(answer: FailedAnswer): PluginError {
  const details = { status: answer.status };
  // 400: a parameter did not parse; 406: the query did not validate (kubelet_server_journal.go).
  if (answer.status === 400 || answer.status === 406 || answer.status === 422) {
    const missingFile = /no such file or directory|path escapes from parent/.test(answer.message ?? '');
    return new InputError(missingFile ? MESSAGES.noFile : MESSAGES.invalid, { details });
  }
  if (answer.status === 401 || answer.status === 403) return new NotAllowedError(MESSAGES.forbidden, { details });
  // The apiserver's 404 is a Status (reason NotFound); a kubelet without the log handler answers plain text.
  if (answer.status === 404) return new NotFoundError(answer.reason === 'NotFound' ? MESSAGES.noNode : MESSAGES.notServed, { details });
  return new UpstreamUnavailableError(`${MESSAGES.unavailable} (status ${answer.status})`, { details });
}
