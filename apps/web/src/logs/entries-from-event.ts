// A subscription event as entries of the live view: records become lines, everything else a
// notice in its place in the stream, so nothing the server says about the stream goes unseen.
import type { SubscriptionEvent } from '@tailgate/client';
import type { WireTarget } from '@tailgate/contracts';

import { lineFromRecord, type LogNotice, type NewLogEntry } from './log-entry';

type Notice = Omit<LogNotice, 'seq'>;

const name = (target: WireTarget): string => `${target.ns}/${target.pod}/${target.container}`;

const plural = (count: number, one: string, many: string): string => `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;

const END_TEXT: Readonly<Record<string, string>> = {
  complete: 'the stream is complete: nothing more will come',
  unsubscribed: 'stopped',
  upstream_failed: 'the log source failed; the stream ended',
  access_revoked: 'your access was revoked; the stream ended',
  unauthenticated: 'your sign-in expired or was revoked; the stream ended',
  shutdown: 'the gateway shut down; the stream ended',
};

const GAP_TEXT: Readonly<Record<string, string>> = {
  bus_interrupted: 'the gateways lost their message bus for a while',
  takeover: 'another gateway replica took over the stream',
  resume_incomplete: 'the gateway no longer held everything since the last record',
};

function notice(notice: Notice['notice'], text: string, severity: Notice['severity'], target?: WireTarget): Notice {
  return target === undefined
    ? { kind: 'notice', notice, text, severity }
    : { kind: 'notice', notice, text, severity, target: name(target) };
}

export function entriesFromEvent(event: SubscriptionEvent): NewLogEntry[] {
  switch (event.type) {
    case 'records':
      return event.records.map(lineFromRecord);
    case 'target':
      return event.op === 'added'
        ? [notice('target-added', `streaming ${name(event.target)}`, 'info', event.target)]
        : [notice('target-removed', `${name(event.target)} stopped${event.reason ? ` (${event.reason})` : ''}`, 'info', event.target)];
    case 'denied':
      return [
        notice(
          'denied',
          `${name(event.target)}: ${event.reason === 'unavailable' ? 'access could not be checked; not shown for now' : 'you may not read this container'}`,
          'warning',
          event.target,
        ),
      ];
    case 'hidden':
      return [notice('hidden', `${plural(event.count, 'container', 'containers')} you may not read or name so far`, 'warning')];
    case 'dropped':
      return [
        notice(
          'dropped',
          `${plural(event.count, 'line', 'lines')} dropped here: ${event.by === 'server' ? 'the gateway could not send them fast enough' : 'this page fell behind'}`,
          'warning',
        ),
      ];
    case 'gap': {
      const missed = event.missed?.reduce((sum, m) => sum + m.count, 0);
      const count = missed === undefined ? 'lines may be missing here' : `${plural(missed, 'line', 'lines')} missing here`;
      return [notice('gap', `${count}: ${GAP_TEXT[event.reason] ?? event.reason}`, 'warning')];
    }
    case 'reconnecting':
      return [notice('reconnecting', `connection lost; reconnecting (attempt ${event.attempt})`, 'warning')];
    case 'resumed':
      return [notice('resumed', 'reconnected; continuing after the last line received', 'info')];
    case 'ended':
      return event.error === undefined
        ? [
            notice(
              'ended',
              END_TEXT[event.reason] ?? `the stream ended (${event.reason})`,
              event.reason === 'unsubscribed' ? 'info' : 'warning',
            ),
          ]
        : [notice('ended', `the stream ended: ${event.error.code}`, event.error.code === 'closed' ? 'info' : 'warning')];
  }
}
