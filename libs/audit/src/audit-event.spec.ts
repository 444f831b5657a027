import { describe, expect, it } from 'vitest';

import { auditEventListSchema, auditEventSchema } from './audit-event';
import { auditEventList } from './audit-event-draft';
import { sampleEvents } from './testing/audit-samples';

describe('audit.k8s.io/v1 Event schema', () => {
  it('accepts every event Tailgate builds, at every level', () => {
    for (const level of ['Metadata', 'Request', 'RequestResponse'] as const) {
      for (const event of sampleEvents(level)) expect(auditEventSchema.parse(event)).toEqual(event);
    }
  });

  it('rejects an unknown field, as the apiserver strict decoder does', () => {
    const [event] = sampleEvents();
    const result = auditEventSchema.safeParse({ ...event, logLine: 'secret' });
    expect(result.success).toBe(false);
  });

  it('rejects a timestamp that is not a MicroTime and a stage the apiserver does not know', () => {
    const [event] = sampleEvents();
    expect(auditEventSchema.safeParse({ ...event, stageTimestamp: '2026-05-01T10:00:00Z' }).success).toBe(false);
    expect(auditEventSchema.safeParse({ ...event, stage: 'Started' }).success).toBe(false);
  });

  it('builds an EventList whose items carry no kind or apiVersion, like the webhook backend body', () => {
    const list = auditEventList(sampleEvents());
    expect(auditEventListSchema.parse(list)).toEqual(list);
    expect(list).toMatchObject({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {} });
    for (const item of list.items) {
      expect(item).not.toHaveProperty('kind');
      expect(item).not.toHaveProperty('apiVersion');
    }
  });
});
