import type { PluginHttpResponse } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';

import { INGEST_REQUESTS_METRIC } from './flow-tap-metrics';
import type { IngestBodyResult } from './ingest/ingest-record';
import { TAP_USERNAME } from './tap-credential';
import type { TapRef } from './tap-ref';
import { recordsChannel } from './tap-state';
import { flowTapHarness, fluentRecord } from './testing/flow-tap-harness';

/** Any text: the reasons are prose for people, the codes are the contract. */
const anyReason = expect.any(String) as string;
const WEB: TapRef = { kind: 'flow', namespace: 'acme', name: 'web' };
const PODS = [{ namespace: 'acme', name: 'web-0', node: 'node-1', labels: {} }];
const LINE = `${fluentRecord({ namespace: 'acme', pod: 'web-0', message: 'hello' })}\n`;

describe('flow-tap ingest endpoint', () => {
  it('publishes an accepted body as one message on its tap channel and answers what it took', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    const password = await harness.grant(WEB);
    const body = `${LINE}${LINE}{"message":"no pod here"}\n`;
    const response = await harness.post('/v1/flow/acme/web', body, { password, method: 'PUT' });
    expect(response).toEqual({ status: 200, body: { accepted: 2, dropped: 1 } });
    expect(harness.bus.published).toHaveLength(1);
    expect(harness.bus.published[0]?.channel).toBe(recordsChannel(WEB));
    expect(JSON.parse(harness.bus.published[0]!.message)).toEqual([
      { namespace: 'acme', pod: 'web-0', container: 'app', stream: 'stdout', line: 'hello' },
      { namespace: 'acme', pod: 'web-0', container: 'app', stream: 'stdout', line: 'hello' },
    ]);
    expect(harness.metrics.value(INGEST_REQUESTS_METRIC, { result: 'accepted' })).toBe(1);
  });

  it('asks for credentials with 401 and WWW-Authenticate when none are sent, and publishes nothing', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    await harness.grant(WEB);
    const headerSets: Record<string, string>[] = [{}, { authorization: 'Bearer abc' }, { authorization: 'Basic !!!' }];
    for (const headers of headerSets) {
      const response = await harness.post('/v1/flow/acme/web', LINE, { password: null, headers });
      expect(response.status).toBe(401);
      expect(response.headers?.['www-authenticate']).toMatch(/^Basic realm=/);
      expect(response.body).toEqual({ code: 'unauthenticated', reason: anyReason });
    }
    expect(harness.bus.published).toEqual([]);
  });

  it('refuses a wrong password, a wrong user and a tap without a credential with 403, publishing nothing', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    const password = await harness.grant(WEB);
    const refused: PluginHttpResponse[] = [
      await harness.post('/v1/flow/acme/web', LINE, { password: `${password}x` }),
      await harness.post('/v1/flow/acme/web', LINE, { password: '' }),
      await harness.post('/v1/flow/acme/web', LINE, { password, username: 'admin' }),
      await harness.post('/v1/flow/acme/nocred', LINE, { password }),
    ];
    for (const response of refused) expect(response).toEqual({ status: 403, body: { code: 'forbidden', reason: anyReason } });
    expect(JSON.stringify(refused)).not.toContain(password);
    expect(harness.bus.published).toEqual([]);
  });

  it('takes the new password of a recreated tap at once, and no longer the old one', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    const old = await harness.grant(WEB);
    expect((await harness.post('/v1/flow/acme/web', LINE, { password: old })).status).toBe(200);
    const rotated = await harness.grant(WEB);
    expect((await harness.post('/v1/flow/acme/web', LINE, { password: rotated })).status).toBe(200);
    expect((await harness.post('/v1/flow/acme/web', LINE, { password: old })).status).toBe(403);
  });

  it('answers 404 for URLs that name no tap and 405 for other methods, each with a code', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    const password = await harness.grant(WEB);
    for (const path of [
      '/',
      '/v1/flow/acme',
      '/v2/flow/acme/web',
      '/v1/output/acme/web',
      '/v1/clusterflow/acme/all',
      '/v1/flow/acme/web/x',
    ]) {
      expect(await harness.post(path, LINE, { password }), path).toEqual({
        status: 404,
        body: { code: 'not_found', reason: anyReason },
      });
    }
    const get = await harness.post('/v1/flow/acme/web', '', { password, method: 'GET' });
    expect(get).toEqual({ status: 405, headers: { allow: 'POST, PUT' }, body: { code: 'method_not_allowed', reason: anyReason } });
    expect(harness.bus.published).toEqual([]);
  });

  it('passes on the body reader refusal with its status and code, publishing nothing', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    const password = await harness.grant(WEB);
    const malformed = await harness.post('/v1/flow/acme/web', '{"kubernetes":', { password });
    expect(malformed).toMatchObject({ status: 400, body: { code: 'malformed_json' } });
    const msgpack = await harness.post('/v1/flow/acme/web', LINE, { password, headers: { 'content-type': 'application/msgpack' } });
    expect(msgpack).toMatchObject({ status: 415, body: { code: 'unsupported_media_type' } });
    expect(harness.bus.published).toEqual([]);
  });

  it('reads at most maxConcurrent bodies at once and answers the rest 503 with Retry-After', async () => {
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const reading = new Promise<void>((resolve) => (started = resolve));
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const accepted: IngestBodyResult = { ok: true, records: [], dropped: {} };
    const harness = await flowTapHarness({
      pods: PODS,
      config: { ingest: { maxConcurrent: 1 } },
      readBody: async () => {
        started();
        await blocked;
        return accepted;
      },
    });
    const password = await harness.grant(WEB);
    const first = harness.post('/v1/flow/acme/web', LINE, { password });
    await reading;
    const second = await harness.post('/v1/flow/acme/web', LINE, { password });
    expect(second).toEqual({ status: 503, headers: { 'retry-after': '1' }, body: { code: 'overloaded', reason: anyReason } });
    release();
    expect((await first).status).toBe(200);
    expect((await harness.post('/v1/flow/acme/web', LINE, { password })).status).toBe(200);
  });

  it('answers 503 when the bus does not take the records, so the shipper retries', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    const password = await harness.grant(WEB);
    harness.bus.down = true;
    const response = await harness.post('/v1/flow/acme/web', LINE, { password });
    expect(response).toEqual({ status: 503, headers: { 'retry-after': '1' }, body: { code: 'unavailable', reason: anyReason } });
  });

  it('answers 503 when the credential cannot be read', async () => {
    const harness = await flowTapHarness({ pods: PODS });
    harness.state.get = () => Promise.reject(new Error('redis away'));
    const response = await harness.post('/v1/flow/acme/web', LINE, { password: 'x', username: TAP_USERNAME });
    expect(response).toMatchObject({ status: 503, body: { code: 'unavailable' } });
  });
});
