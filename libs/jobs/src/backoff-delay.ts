// The wait before a retry, shared by both runners (BullMQ calls it as its custom backoff strategy).

/** Wait before retry `failedRuns` (runs failed so far, ≥ 1): base, 2·base, 4·base, … capped at one day. */
export function backoffDelayMs(failedRuns: number, baseMs: number): number {
  const exponent = Math.min(Math.max(failedRuns - 1, 0), 30);
  return Math.min(baseMs * 2 ** exponent, MAX_BACKOFF_MS);
}

const MAX_BACKOFF_MS = 86_400_000;
