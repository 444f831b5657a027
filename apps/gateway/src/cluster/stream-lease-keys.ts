// Names of the Redis keys that coordinate one stream's upstream across replicas. They carry the
// stream's hash tag (as its records channel does), so every script on them runs in one Redis
// Cluster slot.
import { assertKeyPrefix, streamHashTag } from '@tailgate/bus';

export interface StreamLeaseKeys {
  /** `<replica>:<token>` of the replica running the upstream; expires unless renewed. */
  readonly lease: string;
  /** The last fencing token handed out for this stream; only ever grows. */
  readonly fence: string;
  /** Sorted set: replica with listeners → when that demand expires (ms, Redis time). */
  readonly demand: string;
  /** Hash: the holder's token (HOLDER_FIELD) and, per target key, the last cursor published. */
  readonly upstream: string;
  /** Channel on which a replica that starts listening asks the holder to announce its targets again. */
  readonly announceRequests: string;
}

/** The field of the upstream hash naming the holder; target keys (`ns/pod/container`) never start with `~`. */
export const HOLDER_FIELD = '~holder';

export function streamLeaseKeys(keyPrefix: string, streamKey: string): StreamLeaseKeys {
  assertKeyPrefix(keyPrefix);
  const base = `${keyPrefix}${streamHashTag(streamKey)}:`;
  return {
    lease: `${base}lease`,
    fence: `${base}fence`,
    demand: `${base}demand`,
    upstream: `${base}upstream`,
    announceRequests: `${base}announce`,
  };
}
