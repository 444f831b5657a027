// Publishing on a channel and reading its replay buffer back, on one Redis or a Redis Cluster. The
// buffer is a stream named exactly like the channel (Redis keeps keys and channels apart), so it
// lives in the channel's cluster slot, on the shard that also serves the channel. One script
// appends, trims, renews the expiry and publishes: one round trip per batch. Needs Redis 7.0+.
import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';

import type { ReplayResult } from './log-bus';
import type { MessageId } from './message-ids';
import { isReplayComplete } from './replay-completeness';
import type { ReplaySettings } from './replay-settings';

export type RedisClient = Redis | Cluster;

/** PUBLISH on one Redis; SPUBLISH on a cluster, where a message then stays inside its shard. */
export type PublishCommand = 'publish' | 'spublish';

// Trims with XDEL rather than XADD MAXLEN/MINID: XDEL records the newest removed id in the stream
// (`max-deleted-entry-id`), which is what tells a replay whether it has a gap. Age first, then
// count; at most 1,000 removals per publish (more catch up on the following publishes). Deleted
// entries free their memory once the whole stream node (100 entries) is gone.
const PUBLISH_SCRIPT = `
local stream = KEYS[1]
local id = redis.call('XADD', stream, '*', 'm', ARGV[1])
local function drop(entries)
  if #entries == 0 then return end
  local ids = {}
  for i, entry in ipairs(entries) do ids[i] = entry[1] end
  redis.call('XDEL', stream, unpack(ids))
end
local oldestKeptMs = tonumber(string.match(id, '^%d+')) - tonumber(ARGV[3])
if oldestKeptMs > 0 then
  drop(redis.call('XRANGE', stream, '-', '(' .. string.format('%.0f', oldestKeptMs) .. '-0', 'COUNT', 1000))
end
local excess = redis.call('XLEN', stream) - tonumber(ARGV[2])
if excess > 0 then drop(redis.call('XRANGE', stream, '-', '+', 'COUNT', math.min(excess, 1000))) end
redis.call('PEXPIRE', stream, ARGV[3])
redis.call(ARGV[4], stream, id .. '\\n' .. ARGV[1])
return id
`;

// Atomic, so the bounds and the entries describe the same moment.
const REPLAY_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local maxDeleted, firstId = false, false
for i = 1, #info, 2 do
  if info[i] == 'max-deleted-entry-id' then maxDeleted = info[i + 1] end
  if info[i] == 'first-entry' and info[i + 1] then firstId = info[i + 1][1] end
end
return { maxDeleted, firstId, redis.call('XRANGE', KEYS[1], ARGV[1], '+') }
`;

const ReplayReplySchema = z.union([
  z.null(),
  z.tuple([z.string().nullable(), z.string().nullable(), z.array(z.tuple([z.string(), z.tuple([z.literal('m'), z.string()])]))]),
]);

export class RedisChannelLog {
  constructor(
    private readonly redis: RedisClient,
    private readonly publishCommand: PublishCommand,
    private readonly replaySettings: ReplaySettings,
  ) {}

  /**
   * EVAL rather than EVALSHA: the script text (under 1 KiB) travels with each batch, so a restarted
   * or promoted node never answers NOSCRIPT, whose retries could reorder a channel's messages.
   *
   * The message goes to ioredis as its UTF-8 bytes, not as the string: handed a string, ioredis
   * flattens it into a copy on the JS heap (`Buffer.byteLength`) and writes it inside one more
   * concatenated command string, and a sampled heap profile showed that copy of nearly every batch
   * promoted to the old generation (docs/performance.md, "Why the Redis path promoted its
   * batches"). A Buffer's bytes live outside the JS heap; Redis stores and publishes the same bytes.
   */
  async publish(channel: string, message: string): Promise<void> {
    const { maxMessages, maxAgeMs } = this.replaySettings;
    const bytes = Buffer.from(message);
    if (maxMessages === 0) {
      await this.redis[this.publishCommand](channel, bytes);
      return;
    }
    await this.redis.eval(PUBLISH_SCRIPT, 1, channel, bytes, maxMessages, maxAgeMs, this.publishCommand.toUpperCase());
  }

  async replay(channel: string, afterId: MessageId | undefined): Promise<ReplayResult> {
    const reply = ReplayReplySchema.parse(await this.redis.eval(REPLAY_SCRIPT, 1, channel, afterId === undefined ? '-' : `(${afterId}`));
    if (reply === null) return { messages: [], complete: isReplayComplete(afterId, undefined) };
    const [maxDroppedId, firstId, entries] = reply;
    if (maxDroppedId === null) throw new Error('replay needs Redis 7.0 or later (XINFO STREAM reports no max-deleted-entry-id)');
    return {
      messages: entries.map(([id, [, message]]) => ({ id, message })),
      complete: isReplayComplete(afterId, { firstId: firstId ?? undefined, maxDroppedId }),
    };
  }
}
