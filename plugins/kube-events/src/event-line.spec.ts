import { describe, expect, it } from 'vitest';

import { eventRecord, humanDuration, jsonLine, textLine } from './event-line';
import { type EventObservation } from './event-object';

const observation: EventObservation = {
  uid: 'uid-1',
  target: { namespace: 'team-a', pod: 'deployment.apps:web', container: 'Events' },
  object: { kind: 'Deployment', group: 'apps', apiVersion: 'apps/v1', name: 'web', namespace: 'team-a' },
  lastSeen: '01796637900500000000',
  firstSeen: '01796637600000000000',
  count: 1,
  type: 'Normal',
  reason: 'ScalingReplicaSet',
  note: 'Scaled up replica set web-abc\nto 3',
  reportingController: 'deployment-controller',
  cursor: 'c',
};

describe('event lines', () => {
  it('reads like kubectl: TYPE REASON OBJECT MESSAGE on one line, the series count at the end', () => {
    expect(textLine(observation)).toBe('Normal ScalingReplicaSet deployment/web Scaled up replica set web-abc to 3');
    expect(textLine({ ...observation, count: 5 })).toBe(
      'Normal ScalingReplicaSet deployment/web Scaled up replica set web-abc to 3 (x5 over 5m1s)',
    );
  });

  it('as JSON names every field, with RFC 3339 times', () => {
    expect(JSON.parse(jsonLine(observation))).toEqual({
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      object: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'web', namespace: 'team-a' },
      note: 'Scaled up replica set web-abc\nto 3',
      count: 1,
      firstSeen: '2026-12-07T10:00:00.000000000Z',
      lastSeen: '2026-12-07T10:05:00.500000000Z',
      reportingController: 'deployment-controller',
    });
  });

  it('goes out on stderr for a Warning, stdout otherwise, at its last observation with the given cursor', () => {
    expect(eventRecord(observation, 'text')).toMatchObject({ stream: 'stdout', ts: '2026-12-07T10:05:00.500000000Z', cursor: 'c' });
    expect(eventRecord({ ...observation, type: 'Warning' }, 'json', 'late~1')).toMatchObject({ stream: 'stderr', cursor: 'late~1' });
  });

  it('shortens durations as kubectl does', () => {
    const n = (seconds: number) => String(BigInt(seconds) * 1_000_000_000n).padStart(20, '0');
    expect([45, 150, 600, 7_500, 19_800, 36_000, 300_000].map((s) => humanDuration(n(0), n(s)))).toEqual([
      '45s',
      '2m30s',
      '10m',
      '125m',
      '5h30m',
      '10h',
      '3d',
    ]);
  });
});
