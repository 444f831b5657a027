// How far back one subscription's backlog may reach: the source's own limits (`backlogLimits`),
// capped by the gateway's (`streams.maxBacklogSinceMs`, `streams.maxBacklogTail`). A request
// beyond them is refused with `invalid_request`, never clamped: a client that asked for a day
// does not silently get an hour. The details name the limit, so a client can ask again within it.
import type { BacklogLimits } from '@tailgate/plugin-sdk';

import { RequestError } from '../model/request-error';

export interface BacklogCaps {
  readonly maxSinceMs: number;
  readonly maxTail: number;
}

/** The smaller of the source's and the gateway's limits. */
export function backlogCaps(source: BacklogLimits | undefined, gateway: BacklogCaps): BacklogCaps {
  return {
    maxSinceMs: Math.min(source?.maxSinceMs ?? Number.POSITIVE_INFINITY, gateway.maxSinceMs),
    maxTail: Math.min(source?.maxTail ?? Number.POSITIVE_INFINITY, gateway.maxTail),
  };
}

/** Throws when `since` reaches further back from `now` than the caps allow, or `tail` asks for more. */
export function checkBacklogWindow(
  sourceId: string,
  window: { readonly tail?: number; readonly since?: Date },
  caps: BacklogCaps,
  now: number,
): void {
  if (window.since !== undefined && now - window.since.getTime() > caps.maxSinceMs) {
    throw new RequestError('invalid_request', `source ${sourceId} serves a since at most ${caps.maxSinceMs / 1000} s back`, {
      maxSinceMs: caps.maxSinceMs,
    });
  }
  if (window.tail !== undefined && window.tail > caps.maxTail) {
    throw new RequestError('invalid_request', `source ${sourceId} serves a tail of at most ${caps.maxTail} records per target`, {
      maxTail: caps.maxTail,
    });
  }
}
