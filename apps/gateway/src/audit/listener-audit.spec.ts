import type { AuditEventDraft, AuditRecorder } from '@tailgate/audit';
import { describe, expect, it } from 'vitest';

import { auditTargetOf, RecordingListenerAudit } from './listener-audit';

function setup() {
  const drafts: AuditEventDraft[] = [];
  const recorder: AuditRecorder = { record: (draft) => void drafts.push(draft), close: () => Promise.resolve() };
  const origin = {
    subject: { user: 'alice', groups: ['team-a'] },
    connection: { sourceIPs: ['10.0.0.1'], connectionId: 'c1' },
    logOptions: {},
  };
  const audit = new RecordingListenerAudit(recorder, origin, () => new Date('2026-12-07T10:00:00Z'));
  const moments = () => drafts.map((d) => `${d.annotations?.['tailgate.dev/event']} ${d.responseStatus?.code ?? '-'}`);
  return { audit, drafts, moments };
}

const pod = auditTargetOf({ ns: 'team-a', pod: 'checkout-api', container: 'api' });

describe('auditTargetOf', () => {
  it('names a pod container as its pods/log, and kube-events targets as the Events they are, never as a pod', () => {
    expect(pod).toEqual({ kind: 'pod', namespace: 'team-a', pod: 'checkout-api', container: 'api' });
    expect(auditTargetOf({ ns: 'team-a', pod: 'web-1', container: 'Events' })).toEqual({
      kind: 'events',
      namespace: 'team-a',
      regarding: 'pod:web-1',
    });
    expect(auditTargetOf({ ns: 'team-a', pod: 'deployment.apps:web', container: 'Events' })).toEqual({
      kind: 'events',
      namespace: 'team-a',
      regarding: 'deployment.apps:web',
    });
  });
});

describe('RecordingListenerAudit', () => {
  it('records a re-check that changes nothing as nothing, and a flip to deny as the revocation of the open read', () => {
    const { audit, drafts, moments } = setup();
    const opened = audit.decided('k', pod, { result: 'allow', authorizer: 'a.b' });
    expect(audit.decided('k', pod, { result: 'allow', authorizer: 'a.b' })).toEqual({ kind: 'unchanged', auditID: opened.auditID });
    audit.credit('k', 4, 400);
    const revoked = audit.decided('k', pod, { result: 'deny', authorizer: 'a.b', reason: 'relabelled' });
    expect(audit.decided('k', pod, { result: 'deny', authorizer: 'a.b', reason: 'relabelled' }).kind).toBe('unchanged');
    audit.endAll('unsubscribed');

    expect(revoked).toEqual({ kind: 'revoked', auditID: opened.auditID });
    expect(moments()).toEqual(['subscribe -', 'decision 200', 'revocation 403']);
    expect(drafts[2]?.annotations).toMatchObject({
      'tailgate.dev/records': '4',
      'tailgate.dev/bytes': '400',
      'tailgate.dev/reason': 'relabelled',
    });
  });

  it('opens a new read, with a new auditID, when a refused or revoked target is allowed again', () => {
    const { audit, moments } = setup();
    const refused = audit.decided('k', pod, { result: 'deny', authorizer: 'a.b', reason: 'no' });
    const opened = audit.decided('k', pod, { result: 'conditional', authorizer: 'a.b' });
    audit.ended('k', 'completed');
    audit.ended('k', 'completed');

    expect(refused.kind).toBe('refused');
    expect(opened.kind).toBe('opened');
    expect(opened.auditID).not.toBe(refused.auditID);
    expect(moments()).toEqual(['subscribe -', 'decision 403', 'subscribe -', 'decision 200', 'stream-end 200']);
  });

  it('revokes every open read at once, with who withdrew access', () => {
    const { audit, drafts } = setup();
    audit.decided('a', pod, { result: 'allow' });
    audit.decided('b', { kind: 'flow', namespace: 'team-a', name: 'app' }, { result: 'allow', authorizer: 'flow-tap.flows.admit' });
    audit.revokeAll({ authorizer: 'authentication', reason: 'the credentials expired' });
    audit.endAll('disconnected');

    const revocations = drafts.filter((d) => d.annotations?.['tailgate.dev/event'] === 'revocation');
    expect(revocations.map((d) => [d.objectRef?.resource, d.annotations?.['tailgate.dev/authorizer']])).toEqual([
      ['pods', 'authentication'],
      ['flows', 'authentication'],
    ]);
    expect(drafts).toHaveLength(6);
  });

  it('records nothing for a decision that arrives after the listener left', () => {
    const { audit, moments } = setup();
    audit.endAll('unsubscribed');
    expect(audit.decided('k', pod, { result: 'allow' })).toEqual({ kind: 'unchanged', auditID: undefined });
    expect(moments()).toEqual([]);
  });
});
