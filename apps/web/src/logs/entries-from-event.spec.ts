import { TailgateError } from '@tailgate/client';
import { describe, expect, it } from 'vitest';

import { entriesFromEvent } from './entries-from-event';

const target = { ns: 'team-a', pod: 'payments-worker', container: 'worker' };

describe('entriesFromEvent', () => {
  it('turns records into lines with their level parsed once', () => {
    const [entry] = entriesFromEvent({
      type: 'records',
      records: [{ ts: 't', ns: 'n', pod: 'p', container: 'c', stream: 'stdout', line: '{"level":50}', cursor: 'x' }],
    });
    expect(entry).toEqual({
      kind: 'line',
      ts: 't',
      ns: 'n',
      pod: 'p',
      container: 'c',
      stream: 'stdout',
      line: '{"level":50}',
      json: true,
      level: 'error',
    });
    expect(entry).not.toHaveProperty('cursor');
  });

  it('names a denied container in a warning notice', () => {
    expect(entriesFromEvent({ type: 'denied', target, reason: 'forbidden' })).toEqual([
      {
        kind: 'notice',
        notice: 'denied',
        severity: 'warning',
        target: 'team-a/payments-worker/worker',
        text: 'team-a/payments-worker/worker: you may not read this container',
      },
    ]);
  });

  it.each([
    [{ type: 'hidden', count: 2 } as const, 'hidden', '2 containers you may not read or name so far'],
    [
      { type: 'dropped', count: 1200, by: 'server' } as const,
      'dropped',
      '1,200 lines dropped here: the gateway could not send them fast enough',
    ],
    [
      { type: 'gap', reason: 'takeover', missed: [{ target, count: 3 }] } as const,
      'gap',
      '3 lines missing here: another gateway replica took over the stream',
    ],
    [
      { type: 'gap', reason: 'bus_interrupted' } as const,
      'gap',
      'lines may be missing here: the gateways lost their message bus for a while',
    ],
    [{ type: 'ended', reason: 'access_revoked' } as const, 'ended', 'your access was revoked; the stream ended'],
    [{ type: 'reconnecting', attempt: 2 } as const, 'reconnecting', 'connection lost; reconnecting (attempt 2)'],
  ])('shows %j as a %s notice', (event, notice, text) => {
    expect(entriesFromEvent(event)).toEqual([expect.objectContaining({ kind: 'notice', notice, text, severity: 'warning' })]);
  });

  it('shows an error that ended the stream by its code', () => {
    const error = new TailgateError('unauthenticated', 'token refused');
    expect(entriesFromEvent({ type: 'ended', error })).toEqual([
      expect.objectContaining({ notice: 'ended', text: 'the stream ended: unauthenticated' }),
    ]);
  });
});
