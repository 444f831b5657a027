// Names of the Redis channels (and the hash tag of the keys) that belong to one stream key. The
// hash tag puts everything of one stream in one Redis Cluster slot, so SPUBLISH/SSUBSCRIBE, the
// channel's replay stream (a key named like the channel) and multi-key lease commands work there;
// hashing also keeps selector text out of channel names.
import { createHash } from 'node:crypto';

/** Prefix of every Redis key and channel unless configured otherwise (`redis.keyPrefix`). */
export const DEFAULT_KEY_PREFIX = 'tailgate:';

/** `{<16 hex chars of sha1(streamKey)>}`: the Redis Cluster hash tag of one stream key. */
export function streamHashTag(streamKey: string): string {
  if (streamKey.length === 0) throw new RangeError('a stream key must not be empty');
  return `{${createHash('sha1').update(streamKey, 'utf8').digest('hex').slice(0, 16)}}`;
}

/** The exact channel carrying the record batches of one stream key, e.g. `tailgate:{0a1b…}:records`. */
export function recordsChannel(prefix: string = DEFAULT_KEY_PREFIX, streamKey: string): string {
  assertKeyPrefix(prefix);
  return `${prefix}${streamHashTag(streamKey)}:records`;
}

/** Throws if a prefix would move the hash tag: Redis Cluster hashes the first `{…}` of a name. */
export function assertKeyPrefix(prefix: string): void {
  if (/[{}]/.test(prefix)) throw new RangeError(`key prefix ${JSON.stringify(prefix)} must not contain "{" or "}"`);
}
