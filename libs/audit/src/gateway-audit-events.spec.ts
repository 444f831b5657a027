import { describe, expect, it } from 'vitest';

import { finalizeAuditEvent } from './audit-event-draft';
import { accessDecisionEvent, authenticationFailedEvent, revocationEvent, streamEndEvent, subscribeEvent } from './gateway-audit-events';
import { SAMPLE_LATER, SAMPLE_TIME, sampleRequest } from './testing/audit-samples';

describe('gateway audit events', () => {
  const pod = sampleRequest();

  it('records a followed pod log read as the apiserver records `kubectl logs -f`: get on pods/log', () => {
    const event = finalizeAuditEvent(subscribeEvent(pod, SAMPLE_TIME), 'Request');
    expect(event).toMatchObject({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Request',
      stage: 'RequestReceived',
      verb: 'get',
      requestURI: '/api/v1/namespaces/team-a/pods/web-0/log?container=app&follow=true&timestamps=true&tailLines=100',
      user: { username: 'alice', uid: 'uid-alice', groups: ['developers', 'system:authenticated'] },
      sourceIPs: ['10.1.2.3', '192.0.2.1'],
      userAgent: 'tailgate-cli/0.1',
      objectRef: { resource: 'pods', subresource: 'log', namespace: 'team-a', name: 'web-0', uid: 'pod-uid-1', apiVersion: 'v1' },
      requestObject: { kind: 'PodLogOptions', apiVersion: 'v1', container: 'app', follow: true, timestamps: true, tailLines: 100 },
      requestReceivedTimestamp: '2026-05-01T10:00:00.123000Z',
      annotations: { 'tailgate.dev/event': 'subscribe', 'tailgate.dev/container': 'app', 'tailgate.dev/connection': 'conn-1' },
    });
    expect(event).not.toHaveProperty('responseStatus');
    expect(event.objectRef).not.toHaveProperty('apiGroup');
  });

  it('starts the response (200) on allow and completes it with 403 Forbidden on deny', () => {
    const allowed = accessDecisionEvent(pod, { result: 'allow', authorizer: 'kube-rbac.rbac', reason: 'bound' }, SAMPLE_TIME);
    expect(allowed).toMatchObject({ stage: 'ResponseStarted', responseStatus: { metadata: {}, code: 200 } });
    expect(allowed.annotations).toEqual(
      expect.objectContaining({
        'tailgate.dev/decision': 'allow',
        'tailgate.dev/authorizer': 'kube-rbac.rbac',
        'tailgate.dev/reason': 'bound',
        'authorization.k8s.io/decision': 'allow',
        'authorization.k8s.io/reason': 'bound',
      }),
    );
    const denied = accessDecisionEvent(pod, { result: 'deny', authorizer: 'a.b', reason: 'nope' }, SAMPLE_TIME);
    expect(denied).toMatchObject({
      stage: 'ResponseComplete',
      responseStatus: {
        status: 'Failure',
        reason: 'Forbidden',
        code: 403,
        message: 'pods "web-0" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "team-a"',
      },
      annotations: { 'tailgate.dev/decision': 'deny', 'authorization.k8s.io/decision': 'forbid' },
    });
  });

  it('records a conditional decision as allowed for the apiserver, conditional for Tailgate', () => {
    const event = accessDecisionEvent(pod, { result: 'conditional' }, SAMPLE_TIME);
    expect(event.annotations).toMatchObject({ 'tailgate.dev/decision': 'conditional', 'authorization.k8s.io/decision': 'allow' });
    expect(event.stage).toBe('ResponseStarted');
  });

  it('completes a revoked stream with 403 and what it delivered until then', () => {
    const event = revocationEvent(
      pod,
      { authorizer: 'kube-rbac.rbac', reason: 'RoleBinding removed', delivered: { records: 42, bytes: 4096 } },
      SAMPLE_LATER,
    );
    expect(event).toMatchObject({
      stage: 'ResponseComplete',
      responseStatus: { code: 403, reason: 'Forbidden' },
      stageTimestamp: '2026-05-01T10:05:30.456000Z',
      requestReceivedTimestamp: '2026-05-01T10:00:00.123000Z',
      annotations: {
        'tailgate.dev/event': 'revocation',
        'tailgate.dev/end-reason': 'revoked',
        'tailgate.dev/records': '42',
        'tailgate.dev/bytes': '4096',
      },
    });
  });

  it('completes an ended stream with 200, its end reason and its counts', () => {
    const event = streamEndEvent(pod, { reason: 'completed', delivered: { records: 3, bytes: 30 } }, SAMPLE_LATER);
    expect(event).toMatchObject({
      stage: 'ResponseComplete',
      responseStatus: { metadata: {}, code: 200 },
      annotations: { 'tailgate.dev/end-reason': 'completed', 'tailgate.dev/records': '3', 'tailgate.dev/bytes': '30' },
    });
  });

  it('names node logs as nodes/log and flows as the Logging operator objects they are', () => {
    const node = subscribeEvent(sampleRequest({ target: { kind: 'node', node: 'node-a' } }), SAMPLE_TIME);
    expect(node).toMatchObject({
      objectRef: { resource: 'nodes', subresource: 'log', name: 'node-a', apiVersion: 'v1' },
      requestURI: '/api/v1/nodes/node-a/proxy/logs/',
    });
    expect(node).not.toHaveProperty('requestObject');
    const flow = subscribeEvent(sampleRequest({ target: { kind: 'flow', namespace: 'team-a', name: 'f' } }), SAMPLE_TIME);
    expect(flow.objectRef).toEqual({
      resource: 'flows',
      namespace: 'team-a',
      name: 'f',
      apiGroup: 'logging.banzaicloud.io',
      apiVersion: 'v1beta1',
    });
    expect(flow.requestURI).toBe('/apis/logging.banzaicloud.io/v1beta1/namespaces/team-a/flows/f');
    const clusterFlow = accessDecisionEvent(
      sampleRequest({ target: { kind: 'clusterflow', name: 'all' } }),
      { result: 'deny' },
      SAMPLE_TIME,
    );
    expect(clusterFlow.objectRef).toEqual({
      resource: 'clusterflows',
      name: 'all',
      apiGroup: 'logging.banzaicloud.io',
      apiVersion: 'v1beta1',
    });
    expect(clusterFlow.responseStatus?.message).toBe(
      'clusterflows "all" is forbidden: User "alice" cannot get resource "clusterflows" in API group "logging.banzaicloud.io" at the cluster scope',
    );
  });

  it('records a kube-events stream as `kubectl events --for … -w` does: watch on events.k8s.io events, the object in an annotation', () => {
    const events = sampleRequest({
      auditID: 'events-1',
      target: { kind: 'events', namespace: 'team-a', regarding: 'deployment.apps:web' },
    });
    const subscribed = finalizeAuditEvent(subscribeEvent(events, SAMPLE_TIME), 'Request');
    expect(subscribed).toMatchObject({
      verb: 'watch',
      requestURI: '/apis/events.k8s.io/v1/namespaces/team-a/events?watch=true',
      objectRef: { resource: 'events', namespace: 'team-a', apiGroup: 'events.k8s.io', apiVersion: 'v1' },
      annotations: { 'tailgate.dev/regarding': 'deployment.apps:web' },
    });
    expect(subscribed.objectRef).not.toHaveProperty('name');
    expect(subscribed).not.toHaveProperty('requestObject');
    const denied = accessDecisionEvent(events, { result: 'deny', authorizer: 'kube-rbac.rbac', reason: 'no' }, SAMPLE_TIME);
    expect(denied.responseStatus?.message).toBe(
      'events.events.k8s.io is forbidden: User "alice" cannot watch resource "events" in API group "events.k8s.io" in the namespace "team-a"',
    );
  });

  it('records a failed authentication as the apiserver does: no user, 401 at ResponseStarted, the method tried', () => {
    const event = finalizeAuditEvent(
      authenticationFailedEvent(
        {
          auditID: 'x',
          receivedAt: SAMPLE_TIME,
          connection: { sourceIPs: ['203.0.113.9'] },
          requestURI: '/logs',
          attempted: 'bearer',
          reason: 'expired',
        },
        SAMPLE_TIME,
      ),
      'Metadata',
    );
    expect(event).toMatchObject({
      stage: 'ResponseStarted',
      user: {},
      verb: 'get',
      requestURI: '/logs',
      responseStatus: { metadata: {}, code: 401, message: 'Authentication failed, attempted: bearer' },
      annotations: { 'tailgate.dev/event': 'authentication-failed', 'tailgate.dev/reason': 'expired' },
    });
    expect(event).not.toHaveProperty('objectRef');
    expect(event).not.toHaveProperty('userAgent');
  });

  it('keeps the request object at Request and above, never at Metadata', () => {
    const draft = subscribeEvent(pod, SAMPLE_TIME);
    expect(finalizeAuditEvent(draft, 'Metadata')).not.toHaveProperty('requestObject');
    expect(finalizeAuditEvent(draft, 'Request')).toHaveProperty('requestObject');
    expect(finalizeAuditEvent({ ...draft, responseObject: { kind: 'Status' } }, 'Request')).not.toHaveProperty('responseObject');
    expect(finalizeAuditEvent({ ...draft, responseObject: { kind: 'Status' } }, 'RequestResponse')).toHaveProperty('responseObject');
  });

  it('leaves empty fields out as Go omitempty does, so events round-trip through the apiserver types', () => {
    const event = finalizeAuditEvent(
      subscribeEvent(
        sampleRequest({
          subject: { user: 'bob', groups: [] },
          connection: { sourceIPs: [], userAgent: '' },
          target: { kind: 'pod', namespace: 'n', pod: 'p' },
          logOptions: {},
        }),
        SAMPLE_TIME,
      ),
      'Request',
    );
    expect(event.user).toEqual({ username: 'bob' });
    expect(event).not.toHaveProperty('sourceIPs');
    expect(event).not.toHaveProperty('userAgent');
    expect(event.requestURI).toBe('/api/v1/namespaces/n/pods/p/log');
    expect(event.requestObject).toEqual({ kind: 'PodLogOptions', apiVersion: 'v1' });
  });
});
