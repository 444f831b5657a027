import { describe, expect, it } from 'vitest';

import type { AuditEvent } from './audit-event';
import type { AuditEventQueue } from './audit-event-queue';
import { AuditTrail, newAuditId } from './audit-trail';
import { accessDecisionEvent, streamEndEvent, subscribeEvent } from './gateway-audit-events';
import { parseAuditPolicy } from './parse-audit-policy';
import { SAMPLE_TIME, sampleDrafts, sampleRequest } from './testing/audit-samples';

class RecordingQueue implements AuditEventQueue {
  readonly events: AuditEvent[] = [];
  closed = 0;
  enqueue(event: AuditEvent): void {
    this.events.push(event);
  }
  async close(): Promise<void> {
    this.closed++;
  }
}

const POLICY = parseAuditPolicy(`
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    users: ["system:serviceaccount:ops:viewer"]
  - level: Request
    namespaces: [prod]
  - level: Metadata
    resources:
      - group: ""
        resources: ["pods/log", "nodes/log"]
  - level: Metadata
    nonResourceURLs: ["/logs"]
`);

describe('AuditTrail', () => {
  it('records at the level of the first matching rule, with what that level keeps', () => {
    const queue = new RecordingQueue();
    const trail = new AuditTrail({ policy: POLICY, queue });
    const prod = sampleRequest({ target: { kind: 'pod', namespace: 'prod', pod: 'api-0', container: 'app' } });
    const recorded = trail.record(accessDecisionEvent(prod, { result: 'allow' }, SAMPLE_TIME));
    expect(recorded).toMatchObject({ level: 'Request', requestObject: { kind: 'PodLogOptions', container: 'app' } });
    const team = trail.record(accessDecisionEvent(sampleRequest(), { result: 'allow' }, SAMPLE_TIME));
    expect(team?.level).toBe('Metadata');
    expect(team).not.toHaveProperty('requestObject');
    expect(queue.events).toEqual([recorded, team]);
  });

  it('records nothing at level None, for unmatched requests, and for omitted stages', () => {
    const queue = new RecordingQueue();
    const trail = new AuditTrail({ policy: POLICY, queue });
    const viewer = sampleRequest({ subject: { user: 'system:serviceaccount:ops:viewer', groups: [] } });
    expect(trail.record(streamEndEvent(viewer, { reason: 'completed', delivered: { records: 1, bytes: 1 } }, SAMPLE_TIME))).toBeUndefined();
    const flow = sampleRequest({ target: { kind: 'flow', namespace: 'team-a', name: 'f' } });
    expect(trail.record(accessDecisionEvent(flow, { result: 'allow' }, SAMPLE_TIME))).toBeUndefined();
    expect(trail.record(subscribeEvent(sampleRequest(), SAMPLE_TIME))).toBeUndefined();
    expect(queue.events).toEqual([]);
  });

  it('records a failed authentication through a nonResourceURLs rule', () => {
    const queue = new RecordingQueue();
    const trail = new AuditTrail({ policy: POLICY, queue });
    expect(trail.record(sampleDrafts()[0]!)).toMatchObject({ level: 'Metadata', responseStatus: { code: 401 } });
  });

  it('closes its queue', async () => {
    const queue = new RecordingQueue();
    await new AuditTrail({ policy: POLICY, queue }).close();
    expect(queue.closed).toBe(1);
  });

  it('makes a fresh UUID per request', () => {
    const [a, b] = [newAuditId(), newAuditId()];
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });
});
