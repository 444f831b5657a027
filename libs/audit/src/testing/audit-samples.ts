// Audit events of every kind Tailgate writes, for specs and the apiserver conformance test.
import type { AuditEvent, AuditLevel } from '../audit-event';
import { finalizeAuditEvent, type AuditEventDraft } from '../audit-event-draft';
import {
  accessDecisionEvent,
  authenticationFailedEvent,
  revocationEvent,
  streamEndEvent,
  subscribeEvent,
  type AuditedRequest,
} from '../gateway-audit-events';

export const SAMPLE_TIME = new Date('2026-05-01T10:00:00.123Z');
export const SAMPLE_LATER = new Date('2026-05-01T10:05:30.456Z');

export function sampleRequest(overrides: Partial<AuditedRequest> = {}): AuditedRequest {
  return {
    auditID: '6f1c2d9e-0a4b-4c1e-9b7a-3d2f1e0c9b8a',
    receivedAt: SAMPLE_TIME,
    subject: { user: 'alice', groups: ['developers', 'system:authenticated'], uid: 'uid-alice' },
    connection: { sourceIPs: ['10.1.2.3', '192.0.2.1'], userAgent: 'tailgate-cli/0.1', connectionId: 'conn-1' },
    target: { kind: 'pod', namespace: 'team-a', pod: 'web-0', container: 'app', podUid: 'pod-uid-1' },
    logOptions: { follow: true, tailLines: 100, timestamps: true },
    ...overrides,
  };
}

/** One draft of every moment and target kind, in a plausible order. */
export function sampleDrafts(): AuditEventDraft[] {
  const pod = sampleRequest();
  const node = sampleRequest({ auditID: 'node-1', target: { kind: 'node', node: 'node-a' }, logOptions: {} });
  const flow = sampleRequest({ auditID: 'flow-1', target: { kind: 'flow', namespace: 'team-a', name: 'app-flow' } });
  const clusterFlow = sampleRequest({
    auditID: 'cflow-1',
    subject: {
      user: 'system:serviceaccount:ops:viewer',
      groups: ['system:serviceaccounts'],
      extra: { 'authentication.kubernetes.io/pod-name': ['viewer-0'] },
    },
    target: { kind: 'clusterflow', name: 'all' },
  });
  const denied = sampleRequest({ auditID: 'denied-1', target: { kind: 'pod', namespace: 'secret', pod: 'vault-0' } });
  const events = sampleRequest({
    auditID: 'events-1',
    target: { kind: 'events', namespace: 'team-a', regarding: 'deployment.apps:web' },
    logOptions: {},
  });
  return [
    authenticationFailedEvent(
      {
        auditID: 'authn-1',
        receivedAt: SAMPLE_TIME,
        connection: { sourceIPs: ['203.0.113.9'] },
        requestURI: '/logs',
        attempted: 'bearer',
        authenticator: 'kube-token.token',
        reason: 'token expired',
      },
      SAMPLE_TIME,
    ),
    subscribeEvent(pod, SAMPLE_TIME),
    accessDecisionEvent(
      pod,
      { result: 'allow', authorizer: 'kube-rbac.rbac', reason: 'RBAC: allowed by RoleBinding "read-logs/team-a"' },
      SAMPLE_TIME,
    ),
    accessDecisionEvent(
      denied,
      { result: 'deny', authorizer: 'namespace-allowlist.allowlist', reason: 'namespace secret is not allowed' },
      SAMPLE_TIME,
    ),
    revocationEvent(
      pod,
      { authorizer: 'kube-rbac.rbac', reason: 'RoleBinding removed', delivered: { records: 42, bytes: 4096 } },
      SAMPLE_LATER,
    ),
    subscribeEvent(node, SAMPLE_TIME),
    accessDecisionEvent(node, { result: 'allow', authorizer: 'kube-rbac.rbac' }, SAMPLE_TIME),
    streamEndEvent(node, { reason: 'client-closed', delivered: { records: 7, bytes: 512 } }, SAMPLE_LATER),
    accessDecisionEvent(
      flow,
      { result: 'conditional', authorizer: 'pod-label-policy.labels', reason: 'records of pods labelled team=a' },
      SAMPLE_TIME,
    ),
    streamEndEvent(flow, { reason: 'shutdown', delivered: { records: 0, bytes: 0 } }, SAMPLE_LATER),
    subscribeEvent(events, SAMPLE_TIME),
    accessDecisionEvent(events, { result: 'deny', authorizer: 'kube-rbac.rbac', reason: 'no list events in team-a' }, SAMPLE_TIME),
    accessDecisionEvent(clusterFlow, { result: 'allow', authorizer: 'flow-tap.flows' }, SAMPLE_TIME),
  ];
}

export function sampleEvents(level: Exclude<AuditLevel, 'None'> = 'Request'): AuditEvent[] {
  return sampleDrafts().map((draft) => finalizeAuditEvent(draft, level));
}
