import type { AccessChange } from '@tailgate/kube';
import { type Subject, silentLogger, type TargetRef } from '@tailgate/plugin-sdk';
import { describe, expect, it, vi } from 'vitest';

import type { AccessService } from './access.service';
import { AccessRevalidation } from './access-revalidation';

const alice = { user: 'alice', groups: [] };
const inA = { namespace: 'a', pod: 'web', container: 'app' };
const inB = { namespace: 'b', pod: 'web', container: 'app' };

function harness(settleDelaysMs: readonly number[] = [1_000]) {
  const forgotten: AccessChange[] = [];
  const passes: { a: boolean; b: boolean }[] = [];
  const rbacPasses: boolean[] = [];
  let release: (() => void) | undefined;
  const access = { forget: (change: AccessChange) => forgotten.push(change) } as unknown as AccessService;
  const revalidation = new AccessRevalidation(
    access,
    async (touched: (subject: Subject, target: TargetRef) => boolean, rbac: boolean) => {
      passes.push({ a: touched(alice, inA), b: touched(alice, inB) });
      rbacPasses.push(rbac);
      await new Promise<void>((resolve) => (release = resolve));
    },
    silentLogger,
    settleDelaysMs,
  );
  return { revalidation, forgotten, passes, rbacPasses, release: () => release?.() };
}

describe('AccessRevalidation', () => {
  it("asks the sources' own checks again for RBAC and identity changes, not for pod changes", async () => {
    const { revalidation, rbacPasses, release } = harness();
    revalidation.apply({ kind: 'pod', namespace: 'a', pod: 'web' });
    release();
    await new Promise((resolve) => setImmediate(resolve));
    revalidation.apply({ kind: 'namespace', namespace: 'a' });
    release();
    await new Promise((resolve) => setImmediate(resolve));
    revalidation.apply({ kind: 'identity-deleted', user: 'alice', uid: 'u1' });
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(rbacPasses).toEqual([false, true, true]);
    await revalidation.stop();
  });

  it('forgets at once, re-checks the touched listeners, and batches changes that come meanwhile into one pass', async () => {
    const { revalidation, forgotten, passes, release } = harness();
    revalidation.apply({ kind: 'namespace', namespace: 'a' });
    expect(forgotten).toHaveLength(1);
    expect(passes).toEqual([{ a: true, b: false }]);
    revalidation.apply({ kind: 'namespace', namespace: 'b' });
    revalidation.apply({ kind: 'namespace', namespace: 'a' });
    expect(forgotten).toHaveLength(3);
    expect(passes).toHaveLength(1);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(passes).toEqual([
      { a: true, b: false },
      { a: true, b: true },
    ]);
    release();
    await revalidation.stop();
  });

  it('applies each change again after each settle delay, for an apiserver whose authorizer trails its watch', async () => {
    vi.useFakeTimers();
    const { revalidation, forgotten, passes, release } = harness([100, 1_000]);
    revalidation.apply({ kind: 'namespace', namespace: 'a' });
    release();
    await vi.advanceTimersByTimeAsync(100);
    expect(forgotten).toHaveLength(2);
    release();
    await vi.advanceTimersByTimeAsync(900);
    vi.useRealTimers();
    expect(forgotten).toHaveLength(3);
    expect(passes).toEqual([
      { a: true, b: false },
      { a: true, b: false },
      { a: true, b: false },
    ]);
    release();
    await revalidation.stop();
  });

  it('does nothing once stopped', async () => {
    vi.useFakeTimers();
    const { revalidation, forgotten, passes } = harness([10]);
    await revalidation.stop();
    revalidation.apply({ kind: 'cluster' });
    await vi.advanceTimersByTimeAsync(30);
    vi.useRealTimers();
    expect(forgotten).toEqual([]);
    expect(passes).toEqual([]);
  });
});
