// The Lua scripts of the Redis quota store; each runs atomically on keys of one hash tag.
//
// Holdings of one scope (a user or a tenant) are one hash and one sorted set:
//   <prefix>{<tag>}:quota:<scope>:holds     n = subscriptions, s = distinct streams,
//                                           c:<stream> = subscriptions of that stream,
//                                           r:<replica> and r:<replica>:<stream> = one replica's share
//   <prefix>{<tag>}:quota:<scope>:replicas  replica → expiry (ms), pushed forward by its heartbeat
// A replica that stops beating (killed) has its share subtracted by the next script that
// touches the scope after its expiry; both keys expire on their own when nobody touches them.
// Rate buckets are one hash each: <prefix>{<tag>}:quota:<scope>:rate  t = tokens, at = time.

const COMMON = `
local function num(value) return tonumber(value) or 0 end

-- Subtracts one replica's share from a holdings hash.
local function drop(hold, rid)
  local own = 'r:' .. rid
  local prefix = own .. ':'
  local fields = redis.call('HGETALL', hold)
  for i = 1, #fields, 2 do
    local field, value = fields[i], tonumber(fields[i + 1])
    if field == own then
      redis.call('HINCRBY', hold, 'n', -value)
      redis.call('HDEL', hold, field)
    elseif string.sub(field, 1, #prefix) == prefix then
      local total = 'c:' .. string.sub(field, #prefix + 1)
      if redis.call('HINCRBY', hold, total, -value) <= 0 then
        redis.call('HDEL', hold, total)
        redis.call('HINCRBY', hold, 's', -1)
      end
      redis.call('HDEL', hold, field)
    end
  end
end

-- Subtracts the shares of replicas whose heartbeat expired.
local function purge(hold, replicas, now)
  local dead = redis.call('ZRANGEBYSCORE', replicas, '-inf', now)
  for _, rid in ipairs(dead) do
    drop(hold, rid)
    redis.call('ZREM', replicas, rid)
  end
end

local function touch(hold, replicas, rid, now, ttl)
  redis.call('ZADD', replicas, now + ttl, rid)
  redis.call('PEXPIRE', hold, ttl)
  redis.call('PEXPIRE', replicas, ttl)
end

-- Deletes a scope's keys once nobody holds anything in it.
local function tidy(hold, replicas)
  if num(redis.call('HGET', hold, 'n')) <= 0 then redis.call('DEL', hold, replicas) end
end
`;

/**
 * KEYS: hold, replicas per scope. ARGV: replica, stream, now, ttl, then per scope maxSubscriptions,
 * maxStreams (-1: unlimited). Returns { 0 } when held, or { scope index (1-based), limit } when refused.
 */
export const ACQUIRE = `${COMMON}
local rid, sid, now, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local scopes = #KEYS / 2
for i = 1, scopes do
  local hold, replicas = KEYS[2 * i - 1], KEYS[2 * i]
  purge(hold, replicas, now)
  local maxSubscriptions, maxStreams = tonumber(ARGV[3 + 2 * i]), tonumber(ARGV[4 + 2 * i])
  if maxSubscriptions >= 0 and num(redis.call('HGET', hold, 'n')) + 1 > maxSubscriptions then return { i, 'subscriptions' } end
  if maxStreams >= 0 and redis.call('HEXISTS', hold, 'c:' .. sid) == 0 and num(redis.call('HGET', hold, 's')) + 1 > maxStreams then
    return { i, 'streams' }
  end
end
for i = 1, scopes do
  local hold, replicas = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('HINCRBY', hold, 'n', 1)
  redis.call('HINCRBY', hold, 'r:' .. rid, 1)
  if redis.call('HINCRBY', hold, 'c:' .. sid, 1) == 1 then redis.call('HINCRBY', hold, 's', 1) end
  redis.call('HINCRBY', hold, 'r:' .. rid .. ':' .. sid, 1)
  touch(hold, replicas, rid, now, ttl)
end
return { 0 }
`;

/** KEYS: hold, replicas per scope. ARGV: replica, stream. Only this replica's share is given back. */
export const RELEASE = `${COMMON}
local rid, sid = ARGV[1], ARGV[2]
for i = 1, #KEYS / 2 do
  local hold, replicas = KEYS[2 * i - 1], KEYS[2 * i]
  local own, mine = 'r:' .. rid, 'r:' .. rid .. ':' .. sid
  if num(redis.call('HGET', hold, mine)) > 0 then
    if redis.call('HINCRBY', hold, mine, -1) <= 0 then redis.call('HDEL', hold, mine) end
    if redis.call('HINCRBY', hold, 'c:' .. sid, -1) <= 0 then
      redis.call('HDEL', hold, 'c:' .. sid)
      redis.call('HINCRBY', hold, 's', -1)
    end
    redis.call('HINCRBY', hold, 'n', -1)
    if redis.call('HINCRBY', hold, own, -1) <= 0 then
      redis.call('HDEL', hold, own)
      redis.call('ZREM', replicas, rid)
    end
    tidy(hold, replicas)
  end
end
return 0
`;

/** KEYS: hold, replicas of one scope. ARGV: replica, now, ttl. Returns 1, or 0 when the replica's share was purged. */
export const HEARTBEAT = `${COMMON}
local rid, now, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
if not redis.call('ZSCORE', KEYS[2], rid) then return 0 end
touch(KEYS[1], KEYS[2], rid, now, ttl)
return 1
`;

/**
 * KEYS: hold, replicas of one scope. ARGV: replica, now, ttl, subscriptions, then stream, count
 * pairs: replaces the replica's share with what it really holds (zero gives it all back).
 */
export const SYNC = `${COMMON}
local hold, replicas = KEYS[1], KEYS[2]
local rid, now, ttl, subscriptions = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
purge(hold, replicas, now)
drop(hold, rid)
if subscriptions > 0 then
  redis.call('HINCRBY', hold, 'n', subscriptions)
  redis.call('HSET', hold, 'r:' .. rid, subscriptions)
  for j = 5, #ARGV, 2 do
    local sid, count = ARGV[j], tonumber(ARGV[j + 1])
    if redis.call('HINCRBY', hold, 'c:' .. sid, count) == count then redis.call('HINCRBY', hold, 's', 1) end
    redis.call('HSET', hold, 'r:' .. rid .. ':' .. sid, count)
  end
  touch(hold, replicas, rid, now, ttl)
else
  redis.call('ZREM', replicas, rid)
end
tidy(hold, replicas)
return 0
`;

/**
 * KEYS: one rate bucket per rate-limited scope. ARGV: now, then per bucket perMinute, burst.
 * Returns { 0, 0 } when allowed, or { bucket index (1-based), retry after ms }. Same math as token-bucket.ts.
 */
export const TAKE_TOKEN = `
local now = tonumber(ARGV[1])
local tokens, ats, refused = {}, {}, 0
for i = 1, #KEYS do
  local perMs, burst = tonumber(ARGV[2 * i]) / 60000, tonumber(ARGV[2 * i + 1])
  local state = redis.call('HMGET', KEYS[i], 't', 'at')
  local t, at = burst, now
  if state[1] then
    at = tonumber(state[2])
    t = math.min(burst, tonumber(state[1]) + math.max(0, now - at) * perMs)
  end
  ats[i] = math.max(now, at)
  if t < 1 and refused == 0 then refused = i end
  tokens[i] = t
end
local retry = 0
for i = 1, #KEYS do
  local perMs, burst = tonumber(ARGV[2 * i]) / 60000, tonumber(ARGV[2 * i + 1])
  local left = math.max(0, tokens[i] - 1)
  redis.call('HSET', KEYS[i], 't', tostring(left), 'at', tostring(ats[i]))
  redis.call('PEXPIRE', KEYS[i], math.min(86400000, math.ceil((burst - left) / perMs) + 1000))
  if refused > 0 and left < 1 then retry = math.max(retry, math.ceil((1 - left) / perMs)) end
end
return { refused, retry }
`;
