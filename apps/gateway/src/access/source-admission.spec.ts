// A source's own check (LogSource.admit) through AccessService.admitSource: asked with the subject,
// cached per subject and stream, asked afresh on re-checks, and failing closed.
import { parseConfig } from '@tailgate/config';
import { PluginRegistry, type RegisteredSource } from '@tailgate/plugin-host';
import { allow, deny, type LogSource, silentLogger, type Subject } from '@tailgate/plugin-sdk';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { GatewayMetrics } from '../metrics/gateway-metrics';
import { AccessService, AUTHORIZER_ERROR } from './access.service';

const alice: Subject = { user: 'alice', groups: [] };
const bob: Subject = { user: 'bob', groups: [] };

function access(timeoutMs = 1_000) {
  const parsed = parseConfig({ access: { chain: [], authorizeTimeoutMs: timeoutMs } });
  if (!parsed.ok) throw new Error(parsed.problems.join());
  return new AccessService(new PluginRegistry(), parsed.config.access, new GatewayMetrics(), silentLogger);
}

function source(admit?: LogSource<{ flow: string }>['admit']): RegisteredSource {
  const logSource: LogSource<{ flow: string }> = {
    name: 'flows',
    description: 'test',
    selector: z.object({ flow: z.string() }),
    streamKey: (selector) => selector.flow,
    scope: () => [{}],
    ...(admit ? { admit } : {}),
    open: () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }) }),
  };
  return { id: 't.flows', pluginId: 't', source: logSource };
}

describe('AccessService.admitSource', () => {
  it('admits when the source has no check of its own', async () => {
    expect((await access().admitSource(source(), { flow: 'a' }, alice)).result).toBe('allow');
  });

  it('asks the source with the subject and the selector, once per subject and stream until a fresh check', async () => {
    const asked: string[] = [];
    const registered = source(async (selector, subject) => {
      asked.push(`${subject.user}:${selector.flow}`);
      return subject.user === 'alice' ? allow() : deny('may not get the Flow');
    });
    const service = access();
    expect((await service.admitSource(registered, { flow: 'a' }, alice)).result).toBe('allow');
    expect((await service.admitSource(registered, { flow: 'a' }, alice)).result).toBe('allow');
    expect(await service.admitSource(registered, { flow: 'a' }, bob)).toMatchObject({ result: 'deny', reason: 'may not get the Flow' });
    expect((await service.admitSource(registered, { flow: 'b' }, alice)).result).toBe('allow');
    expect((await service.admitSource(registered, { flow: 'a' }, alice, true)).result).toBe('allow');
    expect(asked).toEqual(['alice:a', 'bob:a', 'alice:b', 'alice:a']);
  });

  it('denies what is neither allow nor deny, a thrown error and a check past the deadline, and caches no error', async () => {
    let answer: 'abstain' | 'throw' | 'hang' = 'abstain';
    let calls = 0;
    const registered = source(() => {
      calls++;
      if (answer === 'throw') return Promise.reject(new Error('apiserver down'));
      if (answer === 'hang') return new Promise(() => undefined);
      return Promise.resolve({ result: 'abstain' });
    });
    const service = access(50);
    expect((await service.admitSource(registered, { flow: 'a' }, alice)).result).toBe('deny');
    answer = 'throw';
    expect(await service.admitSource(registered, { flow: 'b' }, alice)).toMatchObject({ result: 'deny', reason: AUTHORIZER_ERROR });
    expect(await service.admitSource(registered, { flow: 'b' }, alice)).toMatchObject({ result: 'deny', reason: AUTHORIZER_ERROR });
    answer = 'hang';
    expect(await service.admitSource(registered, { flow: 'c' }, alice)).toMatchObject({ result: 'deny', reason: AUTHORIZER_ERROR });
    expect(calls).toBe(4);
  });
});
