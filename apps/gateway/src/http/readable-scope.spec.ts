import type { AccessDecision, RegisteredSource } from '@tailgate/plugin-host';
import { type PodMetadata, silentLogger, type Subject, UpstreamUnavailableError } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { MAX_SCOPE_PODS, ReadableScope, type ReadableScopeParts } from './readable-scope';

const ALLOW: AccessDecision = { result: 'allow', conditions: [], decidedBy: ['test.chain'] };
const DENY: AccessDecision = { result: 'deny', reason: 'no', decidedBy: ['test.chain'] };
const UNDECIDED: AccessDecision = { result: 'deny', reason: 'no authorizer decided', decidedBy: [] };
const SOURCE = 'test.pods';

const pod = (namespace: string, name: string, extra: Partial<PodMetadata> = {}): PodMetadata => ({ namespace, name, labels: {}, ...extra });

interface Policy {
  readonly scope: (namespace: string) => AccessDecision;
  readonly target: (namespace: string, pod: string) => AccessDecision;
}

function readableScope(pods: readonly PodMetadata[] | (() => Promise<readonly PodMetadata[]>), policy: Policy): ReadableScope {
  const parts: ReadableScopeParts = {
    authentication: {
      authenticate: (token) =>
        Promise.resolve(
          token ? { ok: true, subject: { user: token, groups: [] } satisfies Subject } : { ok: false, reason: 'missing_token' },
        ),
    },
    access: {
      decideScope: (_subject, scope) => Promise.resolve(policy.scope(scope.namespace ?? '')),
      decideTarget: (_subject, target) => Promise.resolve(policy.target(target.namespace, target.pod)),
    },
    registry: { sources: new Map([[SOURCE, {} as RegisteredSource]]) },
    pods: { get: () => Promise.resolve(undefined), list: typeof pods === 'function' ? pods : () => Promise.resolve(pods) },
    logger: silentLogger,
  };
  return new ReadableScope(parts);
}

describe('ReadableScope', () => {
  it('offers what the chain allows, sorted, and nothing of a pod it does not, not even its labels or containers', async () => {
    const scope = readableScope(
      [
        pod('shop', 'web-2', { labels: { app: 'web' }, workload: { kind: 'Deployment', name: 'web' }, containers: ['app'] }),
        pod('shop', 'secret-db', { labels: { tier: 'classified' }, containers: ['vault-sidecar'] }),
        pod('admin', 'root-job'),
        pod('shop', 'web-1', { uid: 'u-1', node: 'n1' }),
      ],
      { scope: (ns) => (ns === 'shop' ? ALLOW : DENY), target: (_, name) => (name.startsWith('web') ? ALLOW : DENY) },
    );
    const answer = await scope.answer('Bearer alice', SOURCE);
    expect(answer).toEqual({
      status: 200,
      body: {
        source: SOURCE,
        namespaces: ['shop'],
        pods: [
          { namespace: 'shop', name: 'web-1', labels: {} },
          { namespace: 'shop', name: 'web-2', labels: { app: 'web' }, workload: { kind: 'Deployment', name: 'web' }, containers: ['app'] },
        ],
        truncated: false,
      },
    });
    expect(JSON.stringify(answer)).not.toMatch(/secret-db|classified|vault|admin|root-job|u-1|n1/);
  });

  it('offers a namespace no authorizer decides only when a pod in it is readable', async () => {
    const scope = readableScope([pod('a', 'p'), pod('b', 'q')], {
      scope: () => UNDECIDED,
      target: (ns) => (ns === 'a' ? ALLOW : DENY),
    });
    expect((await scope.answer('Bearer u', SOURCE)).body).toMatchObject({ namespaces: ['a'], pods: [{ namespace: 'a', name: 'p' }] });
  });

  it(`answers at most ${MAX_SCOPE_PODS} pods, saying it truncated`, async () => {
    const many = Array.from({ length: MAX_SCOPE_PODS + 10 }, (_, i) => pod(i < 10 ? 'a' : 'b', `p-${String(i).padStart(5, '0')}`));
    const scope = readableScope(many, { scope: () => ALLOW, target: () => ALLOW });
    const answer = await scope.answer('Bearer u', SOURCE);
    const body = answer.body as { readonly pods: readonly unknown[]; readonly truncated: boolean; readonly namespaces: readonly string[] };
    expect(body.pods).toHaveLength(MAX_SCOPE_PODS);
    expect(body.truncated).toBe(true);
    expect(body.namespaces).toEqual(['a', 'b']);
  });

  it('refuses without a bearer token, an unknown source, and too many requests of one user', async () => {
    const scope = readableScope([], { scope: () => ALLOW, target: () => ALLOW });
    expect(await scope.answer(undefined, SOURCE)).toEqual({
      status: 401,
      body: { code: 'unauthenticated', message: 'a valid bearer token is required' },
    });
    expect(await scope.answer('Token x', SOURCE)).toMatchObject({ status: 401 });
    expect(await scope.answer('Bearer u', 'no.such')).toEqual({ status: 404, body: { code: 'not_found', message: 'no such source' } });
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push((await scope.answer('Bearer flood', SOURCE)).status);
    expect(statuses).toEqual([...Array<number>(10).fill(200), 429]);
    expect((await scope.answer('Bearer other', SOURCE)).status).toBe(200);
  });

  it('answers one request of a user at a time', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const scope = readableScope(
      async () => {
        await gate;
        return [];
      },
      { scope: () => ALLOW, target: () => ALLOW },
    );
    const first = scope.answer('Bearer u', SOURCE);
    expect(await scope.answer('Bearer u', SOURCE)).toEqual({
      status: 429,
      body: { code: 'rate_limited', message: 'too many scope requests; retry later' },
    });
    release();
    expect((await first).status).toBe(200);
  });

  it('answers 503 while pod metadata is unavailable, and 500 without detail when it fails otherwise', async () => {
    const unavailable = readableScope(() => Promise.reject(new UpstreamUnavailableError('apiserver down at 10.0.0.1')), {
      scope: () => ALLOW,
      target: () => ALLOW,
    });
    expect(await unavailable.answer('Bearer u', SOURCE)).toEqual({
      status: 503,
      body: { code: 'upstream_unavailable', message: 'pod metadata is not available; retry later' },
    });
    const broken = readableScope(() => Promise.reject(new Error('secret detail')), { scope: () => ALLOW, target: () => ALLOW });
    const answer = await broken.answer('Bearer u', SOURCE);
    expect(answer).toEqual({ status: 500, body: { code: 'internal', message: 'the scope could not be computed' } });
  });
});
