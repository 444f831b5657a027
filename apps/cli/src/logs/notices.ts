// The one-line notices `tailgate logs` prints on stderr for what is not a log line: containers it
// may not read, records lost on the way, reconnects, and errors with their details. Never a log
// line or a token: only names, counts, codes and limits.
import type { SubscriptionEvent, TailgateError } from '@tailgate/client';
import type { EndReason, WireTarget } from '@tailgate/contracts';

const PREFIX = 'tailgate: ';

function name(target: WireTarget): string {
  return `${target.ns}/${target.pod}/${target.container}`;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The notice for a subscription event, or undefined for events that are not notices. */
export function noticeFor(event: SubscriptionEvent): string | undefined {
  switch (event.type) {
    case 'denied':
      return `${PREFIX}denied ${name(event.target)} (${event.reason})\n`;
    case 'hidden':
      return `${PREFIX}${plural(event.count, 'container', 'containers')} hidden (not permitted)\n`;
    case 'dropped':
      return `${PREFIX}${plural(event.count, 'record', 'records')} dropped (${event.by === 'server' ? 'slow reader' : 'client buffer full'})\n`;
    case 'gap': {
      const missed = event.missed?.map((m) => `${plural(m.count, 'record', 'records')} of ${name(m.target)}`).join(', ');
      return `${PREFIX}gap (${event.reason})${missed ? `: ${missed} missed` : ''}\n`;
    }
    case 'reconnecting':
      return `${PREFIX}connection lost, reconnecting (attempt ${event.attempt})\n`;
    case 'resumed':
      return `${PREFIX}reconnected, resuming\n`;
    default:
      return undefined;
  }
}

const END_NOTICES: Readonly<Record<EndReason, string | undefined>> = {
  complete: undefined,
  unsubscribed: undefined,
  upstream_failed: 'the log source failed',
  access_revoked: 'access revoked',
  unauthenticated: 'signed out: the token is no longer accepted',
  shutdown: 'the server shut down',
};

/** Why a stream ended, when that is worth telling (not after a normal end). */
export function endNotice(reason: EndReason): string | undefined {
  const text = END_NOTICES[reason];
  return text === undefined ? undefined : `stream ended: ${text}`;
}

/** An error's message with its details where the protocol defines them (quotas, limits). */
export function describeError(error: TailgateError): string {
  const details = error.details ?? {};
  switch (error.code) {
    case 'quota_exceeded': {
      const limit = typeof details['limit'] === 'string' ? details['limit'] : 'unknown';
      const scope = typeof details['scope'] === 'string' ? details['scope'] : 'user';
      const max = typeof details['max'] === 'number' ? `, max ${details['max']}${limit === 'subscribeRate' ? ' per minute' : ''}` : '';
      const retry = typeof details['retryAfterMs'] === 'number' ? `; retry in ${Math.ceil(details['retryAfterMs'] / 1000)}s` : '';
      return `quota exceeded: ${limit} per ${scope}${max}${retry}`;
    }
    case 'invalid_request': {
      if (typeof details['maxSinceMs'] === 'number')
        return `--since reaches back further than the server allows (${details['maxSinceMs'] / 1000}s)`;
      if (typeof details['maxTail'] === 'number') return `--tail is larger than the server allows (${details['maxTail']})`;
      const issues = Array.isArray(details['issues']) ? describeIssues(details['issues'] as unknown[]) : '';
      return `invalid request: ${error.message}${issues}`;
    }
    case 'unauthenticated':
      return `not signed in: ${error.message}`;
    case 'connection_failed':
      return `cannot reach the server: ${error.message}`;
    default:
      return `${error.code.replace(/_/g, ' ')}: ${error.message}`;
  }
}

function describeIssues(issues: readonly unknown[]): string {
  const parts = issues.flatMap((issue) => {
    if (typeof issue !== 'object' || issue === null) return [];
    const { path, message } = issue as { path?: unknown; message?: unknown };
    const where = Array.isArray(path) ? path.join('.') : '';
    return typeof message === 'string' ? [`${where ? `${where}: ` : ''}${message}`] : [];
  });
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}
