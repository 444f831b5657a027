import type { KubeApi, TokenReviewResult } from '@tailgate/kube';
import { MemoryPluginMetrics, type PluginHttpRequest, silentLogger } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import {
  AgentSessionEndpoint,
  MAX_CONCURRENT_REVIEWS,
  NODE_NAME_EXTRA,
  POD_NAME_EXTRA,
  SESSIONS_METRIC,
  sessionNode,
} from './agent-session-endpoint';
import { AgentSessionKeys } from './agent-session-keys';

const AGENT = 'system:serviceaccount:tailgate:tailgate-agent';
const bound = { [NODE_NAME_EXTRA]: ['node-a'], [POD_NAME_EXTRA]: ['agent-xyz'] };

function request(headers: Record<string, string>, path = '/v1/session', method = 'POST'): PluginHttpRequest {
  return { method, path, headers, body: (async function* () {})(), signal: new AbortController().signal };
}

describe('the agent session endpoint', () => {
  it('takes the node from the review of a pod-bound token of the agent ServiceAccount only', () => {
    expect(sessionNode({ username: AGENT, extra: bound }, 'tailgate/tailgate-agent')).toEqual({ node: 'node-a' });
    expect(sessionNode({ username: 'system:serviceaccount:tailgate:other', extra: bound }, 'tailgate/tailgate-agent')).toMatchObject({
      refused: 'forbidden',
    });
    expect(sessionNode({ username: AGENT }, 'tailgate/tailgate-agent')).toMatchObject({ refused: 'forbidden', why: 'not_bound_to_pod' });
    expect(
      sessionNode({ username: AGENT, extra: { [NODE_NAME_EXTRA]: ['a', 'b'], [POD_NAME_EXTRA]: ['p'] } }, 'tailgate/tailgate-agent'),
    ).toMatchObject({
      refused: 'forbidden',
    });
  });

  it('answers a session for the reviewed node, and codes for everything else, never echoing the token', async () => {
    const reviews: { token: string; audiences: readonly string[] | undefined }[] = [];
    let answer: TokenReviewResult | Error = {
      authenticated: true,
      user: { username: AGENT, groups: [], extra: bound },
      audiences: ['tailgate-agent'],
    };
    const kube = {
      tokenReview: (token: string, audiences?: readonly string[]) => {
        reviews.push({ token, audiences });
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
      },
    } as unknown as KubeApi;
    const metrics = new MemoryPluginMetrics();
    const keys = new AgentSessionKeys(Buffer.alloc(32, 1), 60_000);
    const endpoint = new AgentSessionEndpoint(
      kube,
      keys,
      { serviceAccount: 'tailgate/tailgate-agent', audience: 'tailgate-agent' },
      metrics,
      silentLogger,
    );
    const ok = await endpoint.handle(request({ authorization: 'Bearer secret-token', 'x-node': 'node-b' }));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ node: 'node-a', key: keys.key('node-a', keys.epochNow()).toString('base64url') });
    expect(reviews).toEqual([{ token: 'secret-token', audiences: ['tailgate-agent'] }]);
    expect((await endpoint.handle(request({}))).status).toBe(401);
    answer = { authenticated: false };
    const refused = await endpoint.handle(request({ authorization: 'Bearer secret-token' }));
    expect(refused.status).toBe(401);
    answer = {
      authenticated: true,
      user: { username: 'system:serviceaccount:tailgate:other', groups: [], extra: bound },
      audiences: ['tailgate-agent'],
    };
    expect((await endpoint.handle(request({ authorization: 'Bearer secret-token' }))).status).toBe(403);
    answer = new Error('apiserver down');
    expect((await endpoint.handle(request({ authorization: 'Bearer secret-token' }))).status).toBe(503);
    expect((await endpoint.handle(request({}, '/v1/other'))).status).toBe(404);
    expect((await endpoint.handle(request({}, '/v1/session', 'GET'))).status).toBe(405);
    expect(JSON.stringify(refused.body)).not.toContain('secret-token');
    expect(metrics.value(SESSIONS_METRIC, { result: 'issued' })).toBe(1);
    expect(metrics.value(SESSIONS_METRIC, { result: 'unauthenticated' })).toBe(2);
    expect(metrics.value(SESSIONS_METRIC, { result: 'forbidden' })).toBe(1);
    expect(metrics.value(SESSIONS_METRIC, { result: 'unavailable' })).toBe(1);
  });

  it('answers busy past MAX_CONCURRENT_REVIEWS reviews in flight, costing the apiserver nothing more', async () => {
    let reviews = 0;
    const kube = { tokenReview: () => (reviews++, new Promise<never>(() => undefined)) } as unknown as KubeApi;
    const metrics = new MemoryPluginMetrics();
    const keys = new AgentSessionKeys(Buffer.alloc(32, 1), 60_000);
    const endpoint = new AgentSessionEndpoint(
      kube,
      keys,
      { serviceAccount: 'tailgate/tailgate-agent', audience: 'tailgate-agent' },
      metrics,
      silentLogger,
    );
    for (let i = 0; i < MAX_CONCURRENT_REVIEWS; i++) void endpoint.handle(request({ authorization: `Bearer t${i}` }));
    const busy = await endpoint.handle(request({ authorization: 'Bearer one-more' }));
    expect(busy.status).toBe(503);
    expect(busy.headers).toEqual({ 'retry-after': '1' });
    expect(reviews).toBe(MAX_CONCURRENT_REVIEWS);
    expect(metrics.value(SESSIONS_METRIC, { result: 'busy' })).toBe(1);
  });
});
