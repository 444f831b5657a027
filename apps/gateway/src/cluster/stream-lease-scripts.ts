// The Lua scripts behind stream leases; each runs atomically on the keys of one stream (one hash
// tag, see stream-lease-keys). Times are Redis's own clock, so replica clocks need not agree.
import { NEXT_TOKEN_LUA } from '../model/fencing-token';
import { HOLDER_FIELD } from './stream-lease-keys';

const NOW = `
local function now()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- Replicas whose demand has not expired.
local function demanding(demand)
  redis.call('ZREMRANGEBYSCORE', demand, '-inf', now())
  return redis.call('ZCARD', demand)
end
`;

/**
 * One replica's periodic step for one stream: records or withdraws its demand, then renews the
 * lease it holds, or tries to take it (SET NX PX) when it wants the stream.
 *
 * KEYS: lease, fence, demand, upstream. ARGV: replica, held lease value ('' when none), wants (1|0),
 * leaseTtlMs, demandTtlMs, upstreamTtlMs, fenceTtlMs.
 * Returns { state, token, replicas with demand, upstream hash fields and values… }, state one of
 * `held` (renewed), `lost` (it is no longer ours), `acquired` (token: the new fencing token; the
 * upstream hash as the previous holder left it follows), `busy` (another replica holds it), `idle`.
 */
export const TICK = `${NOW}${NEXT_TOKEN_LUA}
local lease, fence, demand, upstream = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local replica, held, wants = ARGV[1], ARGV[2], ARGV[3] == '1'
local leaseTtl, demandTtl, upstreamTtl, fenceTtl = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
if wants then
  redis.call('ZADD', demand, now() + tonumber(demandTtl), replica)
  redis.call('PEXPIRE', demand, demandTtl)
else
  redis.call('ZREM', demand, replica)
end
local replicas = demanding(demand)
if held ~= '' then
  if redis.call('GET', lease) ~= held then return { 'lost', 0, replicas } end
  redis.call('PEXPIRE', lease, leaseTtl)
  redis.call('PEXPIRE', upstream, upstreamTtl)
  redis.call('PEXPIRE', fence, fenceTtl)
  return { 'held', 0, replicas }
end
if not wants then return { 'idle', 0, replicas } end
local token = nextToken(fence)
if not redis.call('SET', lease, replica .. ':' .. token, 'NX', 'PX', leaseTtl) then return { 'busy', 0, replicas } end
redis.call('SET', fence, token)
redis.call('PEXPIRE', fence, fenceTtl)
local reply = { 'acquired', token, replicas }
for _, value in ipairs(redis.call('HGETALL', upstream)) do reply[#reply + 1] = value end
redis.call('HSET', upstream, '${HOLDER_FIELD}', token)
redis.call('PEXPIRE', upstream, upstreamTtl)
return reply
`;

/**
 * Gives a held lease back, only if it is still ours.
 *
 * KEYS: lease, demand, upstream. ARGV: held lease value, forget (1: drop the upstream hash, the
 * stream ends here; 0: keep it for the next holder to resume from), ifIdle (1: only while no
 * replica has demand).
 * Returns 1 released, 0 not ours (any more), -1 kept because some replica has demand again.
 */
export const RELEASE = `${NOW}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] == '1' and demanding(KEYS[2]) > 0 then return -1 end
redis.call('DEL', KEYS[1])
if ARGV[2] == '1' then redis.call('DEL', KEYS[3]) end
return 1
`;

/**
 * Records the last published cursor of targets, only while the lease is ours (a deposed holder
 * must not move the next one's starting point).
 *
 * KEYS: lease, upstream. ARGV: held lease value, upstreamTtlMs, then target key, cursor pairs.
 * Returns 1 recorded, 0 not ours.
 */
export const RECORD_CURSORS = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`;
