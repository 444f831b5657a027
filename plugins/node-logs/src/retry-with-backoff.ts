// Retries what failed in a way worth retrying (upstream_unavailable: 5xx, 429, network), waiting
// longer each time; other errors and aborts pass straight through.
import { setTimeout as sleep } from 'node:timers/promises';

import { isPluginError } from '@tailgate/plugin-sdk';

export interface RetryPolicy {
  /** Attempts after the first. */
  readonly retries: number;
  /** Wait before the first retry; doubled for each next one. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export async function withRetries<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  signal: AbortSignal,
  onRetry: (error: unknown, delayMs: number) => void = () => undefined,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const retryable = isPluginError(error) && error.code === 'upstream_unavailable';
      if (!retryable || retry >= policy.retries || signal.aborted) throw error;
      const delayMs = Math.min(policy.initialDelayMs * 2 ** retry, policy.maxDelayMs);
      onRetry(error, delayMs);
      await sleep(delayMs, undefined, { signal });
    }
  }
}
