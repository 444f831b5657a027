// The service between subscriptions and the store: one holding per socket and stream, given
// back exactly once, and refusals as quota_exceeded errors counted in the metrics.
import { QuotasConfigSchema } from '@tailgate/config';
import { silentLogger } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { GatewayMetrics } from '../metrics/gateway-metrics';
import { RequestError } from '../model/request-error';
import { InMemoryQuotaStore } from './in-memory-quota-store';
import { QuotaService } from './quota.service';
import type { QuotaStore, QuotaVerdict } from './quota-store';
import { type QuotaSubject, quotaSubjectOf } from './quota-subject';

const alice = { user: 'alice', groups: [] };
const config = QuotasConfigSchema.parse({ user: { maxSubscriptions: 1, subscribesPerMinute: 60, subscribeBurst: 1 } });
const ok = async () => 'done';

function setup(store: QuotaStore = new InMemoryQuotaStore()) {
  const metrics = new GatewayMetrics();
  const service = new QuotaService(store, config, metrics, silentLogger);
  const refusals = async () => (await metrics.quotaRefusals.get()).values.map(({ labels, value }) => ({ ...labels, value }));
  return { service, refusals };
}

/** Settles the store calls a release started without awaiting. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('QuotaService', () => {
  it('refuses with quota_exceeded naming the limit, and counts the refusal by limit and scope', async () => {
    const { service, refusals } = setup();
    await service.holdDuring('socket-1', alice, 's1', ok);
    const error = await service.holdDuring('socket-2', alice, 's1', ok).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect(error).toMatchObject({
      code: 'quota_exceeded',
      message: 'quota exceeded: at most 1 concurrent subscriptions per user',
      details: { limit: 'subscriptions', scope: 'user', max: 1 },
    });
    await service.admitSubscribe(alice);
    await expect(service.admitSubscribe(alice)).rejects.toMatchObject({
      code: 'quota_exceeded',
      message: 'quota exceeded: at most 60 subscribe requests per minute per user; retry in 1000 ms',
      details: { limit: 'subscribeRate', scope: 'user', max: 60, retryAfterMs: 1000 },
    });
    expect(await refusals()).toEqual([
      { limit: 'subscriptions', scope: 'user', value: 1 },
      { limit: 'subscribeRate', scope: 'user', value: 1 },
    ]);
  });

  it('gives a slot back exactly once however often its subscription is released', async () => {
    const { service } = setup();
    await service.holdDuring('socket-1', alice, 's1', ok);
    service.release('socket-1', 's1');
    service.release('socket-1', 's1');
    service.release('socket-9', 's1');
    await settled();
    await service.holdDuring('socket-2', alice, 's2', ok);
    await expect(service.holdDuring('socket-3', alice, 's3', ok)).rejects.toMatchObject({ code: 'quota_exceeded' });
  });

  it('gives the slot back when the work after holding it fails', async () => {
    const { service } = setup();
    const failure = new Error('fan-out failed');
    await expect(service.holdDuring('socket-1', alice, 's1', () => Promise.reject(failure))).rejects.toBe(failure);
    await settled();
    await expect(service.holdDuring('socket-2', alice, 's1', ok)).resolves.toBe('done');
  });

  it('holds one slot for concurrent requests of one socket and stream', async () => {
    const { service } = setup();
    const both = await Promise.all([service.holdDuring('socket-1', alice, 's1', ok), service.holdDuring('socket-1', alice, 's1', ok)]);
    expect(both).toEqual(['done', 'done']);
    service.release('socket-1', 's1');
    await settled();
    await expect(service.holdDuring('socket-2', alice, 's2', ok)).resolves.toBe('done');
  });

  it('gives back a slot released before the store granted it, once granted', async () => {
    const store = new InMemoryQuotaStore();
    let grant: () => void = () => undefined;
    const slow: QuotaStore = {
      takeSubscribeToken: (s) => store.takeSubscribeToken(s),
      acquire: (s: QuotaSubject, id: string) => new Promise<QuotaVerdict>((resolve) => (grant = () => resolve(store.acquire(s, id)))),
      release: (s, id) => store.release(s, id),
      close: () => store.close(),
    };
    const { service } = setup(slow);
    const held = service.holdDuring('socket-1', alice, 's1', ok);
    service.release('socket-1', 's1');
    grant();
    await held;
    await settled();
    expect(await store.acquire(quotaSubjectOf(alice, config), 's2')).toEqual({ ok: true });
  });
});
