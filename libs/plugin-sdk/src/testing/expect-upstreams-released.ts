// The bound on releasing upstreams: after an abort (or a backlog the host stops reading), every
// request, file or subscription a source held is gone within UPSTREAM_RELEASE_MS, as its fixture
// counts them from outside, and none opens again: a source that polls on after its iteration ended
// leaks as surely as one that never closes.
import { expect } from 'vitest';

/** How long after an abort a source may still hold an upstream request or handle. */
export const UPSTREAM_RELEASE_MS = 2_000;
/** How long the count is then watched for an upstream opening again. */
const STAYS_RELEASED_MS = 250;
const SAMPLE_MS = 10;

/** Open upstream requests or handles, counted outside the source (see LogSourceFixture.openUpstreams). */
export type UpstreamCount = () => number | Promise<number>;

export async function expectUpstreamsReleased(count: UpstreamCount, abortedAt: number, what: string): Promise<void> {
  const left = Math.max(SAMPLE_MS, abortedAt + UPSTREAM_RELEASE_MS - Date.now());
  await expect
    .poll(count, { timeout: left, interval: SAMPLE_MS, message: `${what}: upstreams still open ${UPSTREAM_RELEASE_MS} ms after it` })
    .toBe(0);
  // No event says "nothing will open any more": the count is sampled for a short while instead.
  const until = Date.now() + STAYS_RELEASED_MS;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    expect(await count(), `${what}: an upstream opened again after the source was done`).toBe(0);
  }
}

/** Waits until the source is seen holding an upstream: a count that never rises proves nothing. */
export async function expectUpstreamsHeld(count: UpstreamCount, what: string): Promise<void> {
  await expect.poll(count, { timeout: 5_000, interval: 2, message: `${what}: no upstream was ever counted open` }).toBeGreaterThan(0);
}
