import { describe, expect, it } from 'vitest';

import { type EventObject, EventObjectSchema, observe } from './event-object';

const base = {
  metadata: { name: 'web-1.17c9b3a1f3e8d2a0', namespace: 'team-a', uid: 'uid-1', creationTimestamp: '2026-12-07T10:00:00Z' },
  reason: 'BackOff',
  type: 'Warning',
  note: 'Back-off restarting failed container',
  regarding: { kind: 'Pod', apiVersion: 'v1', namespace: 'team-a', name: 'web-1' },
};
const event = (over: Record<string, unknown>): EventObject => EventObjectSchema.parse({ ...base, ...over });
const observed = (over: Record<string, unknown>) => {
  const observation = observe(event(over));
  if (observation === undefined) throw new Error('no observation');
  return observation;
};

describe('observe', () => {
  it('reads an events.k8s.io Event: last seen from its series, count from it, first seen from eventTime', () => {
    const o = observed({ eventTime: '2026-12-07T10:00:01.250000Z', series: { count: 4, lastObservedTime: '2026-12-07T10:05:00.500000Z' } });
    expect(o).toMatchObject({
      lastSeen: '01796637900500000000',
      firstSeen: '01796637601250000000',
      count: 4,
      type: 'Warning',
      reason: 'BackOff',
    });
    expect(o.cursor).toBe('01796637900500000000-17c9b3a1f3e8d2a0-uid-1-0000000004');
  });

  it('reads an Event written through the core API from its deprecated count and timestamps', () => {
    const o = observed({
      deprecatedFirstTimestamp: '2026-12-07T10:00:00Z',
      deprecatedLastTimestamp: '2026-12-07T10:02:00Z',
      deprecatedCount: 7,
    });
    expect(o).toMatchObject({ lastSeen: '01796637720000000000', firstSeen: '01796637600000000000', count: 7 });
  });

  it('falls back to the creation time, and gives up only without any time', () => {
    expect(observed({}).lastSeen).toBe('01796637600000000000');
    expect(observe(event({ metadata: { ...base.metadata, creationTimestamp: undefined } }))).toBeUndefined();
  });

  it('orders a burst within one second by the creation instant client-go writes into the name', () => {
    const second = { deprecatedLastTimestamp: '2026-12-07T10:00:00Z' };
    const pulling = observed({ ...second, metadata: { ...base.metadata, name: 'web-1.17c9b3a1f3e8d2a0', uid: 'zzz' } });
    const pulled = observed({ ...second, metadata: { ...base.metadata, name: 'web-1.17c9b3a1f4000000', uid: 'aaa' } });
    expect(pulling.cursor < pulled.cursor).toBe(true);
  });

  it("takes a core pod of the Event's namespace as the pod itself, and anything else as kind:name", () => {
    expect(observed({}).target).toEqual({ namespace: 'team-a', pod: 'web-1', container: 'Events' });
    const deployment = observed({ regarding: { kind: 'Deployment', apiVersion: 'apps/v1', namespace: 'team-a', name: 'web' } });
    expect(deployment.target).toEqual({ namespace: 'team-a', pod: 'deployment.apps:web', container: 'Events' });
    expect(observed({ regarding: { kind: 'Node', name: 'node-a' } }).target.pod).toBe('node:node-a');
    // Never judged as the pod of the same name: another group's Pod, a pod of another namespace, a name no pod has.
    expect(observed({ regarding: { kind: 'Pod', apiVersion: 'example.com/v1', name: 'web-1' } }).target.pod).toBe('pod.example.com:web-1');
    expect(observed({ regarding: { kind: 'Pod', apiVersion: 'v1', namespace: 'team-b', name: 'web-1' } }).target.pod).toBe('pod:web-1');
    expect(observed({ regarding: { kind: 'Pod', apiVersion: 'v1', name: 'Web_1' } }).target.pod).toBe('pod:Web_1');
    expect(observed({ regarding: null }).target.pod).toBe('unknown:');
  });
});
