/**
 * The fleet's Lua scripts. Redis runs a script atomically, which is what makes the lease checks and the
 * idempotent append safe when two workers overlap during a handover or after a paused worker's lease expired.
 * Every script reads the clock with `TIME`, so workers on machines with skewed clocks agree.
 */

/** Shared prelude: `now` in ms from the server clock. */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS[1] lease; ARGV[1] holder, ARGV[2] lease ms. Extends the lease only while it is still the caller's. */
export const RENEW_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** KEYS[1] lease; ARGV[1] holder. Deletes the lease only while it is still the caller's. */
export const RELEASE_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * The idempotent append. KEYS: 1 fleet stream, 2 room stream, 3 recent ids, 4 room state, 5 lease, 6 resume.
 * ARGV: 1 fleet MAXLEN, 2 room MAXLEN, 3 id memory ms, 4 id memory count, 5 holder, 6 cursor, 7 internal_ext,
 * 8 room, 9 roomId, then (msgId, method, json) per message. A msgId already in the recent-id set is skipped
 * (msgId 0 carries no identity and is always appended); the resume point is written only by the lease holder.
 * Returns { appended, duplicates, holder still owns the lease (1/0) }.
 */
export const APPEND_MESSAGES = `${NOW}
local appended, duplicates = 0, 0
for i = 10, #ARGV, 3 do
  local id, method, json = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if id == '0' or redis.call('ZADD', KEYS[3], 'NX', now, id) == 1 then
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
      'room', ARGV[8], 'roomId', ARGV[9], 'method', method, 'msgId', id, 'json', json)
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*',
      'room', ARGV[8], 'roomId', ARGV[9], 'method', method, 'msgId', id, 'json', json)
    appended = appended + 1
  else
    duplicates = duplicates + 1
  end
end
if #ARGV >= 10 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - tonumber(ARGV[3]))
  local excess = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[4])
  if excess > 0 then redis.call('ZREMRANGEBYRANK', KEYS[3], 0, excess - 1) end
end
if appended > 0 then
  -- Messages per minute: this minute's count and the previous one's, for a sliding estimate.
  local minute = math.floor(now / 60000)
  local seen = tonumber(redis.call('HGET', KEYS[4], 'rateMinute') or '0')
  if seen == minute then
    redis.call('HINCRBY', KEYS[4], 'rateCount', appended)
  else
    local previous = 0
    if seen == minute - 1 then previous = tonumber(redis.call('HGET', KEYS[4], 'rateCount') or '0') end
    redis.call('HSET', KEYS[4], 'rateMinute', minute, 'rateCount', appended, 'ratePrevious', previous)
  end
  redis.call('HINCRBY', KEYS[4], 'messages', appended)
  redis.call('HSET', KEYS[4], 'lastMessageAt', now)
end
local owned = 0
if redis.call('GET', KEYS[5]) == ARGV[5] then
  owned = 1
  if ARGV[6] ~= '' then redis.call('HSET', KEYS[6], 'cursor', ARGV[6], 'internalExt', ARGV[7], 'at', now) end
end
return { appended, duplicates, owned }`;

/**
 * KEYS[1] lease, KEYS[2] room state; ARGV: 1 holder, 2 gaps to add, then field/value pairs. Writes the state
 * only while the caller holds the lease, so a worker that lost a room cannot overwrite what the new owner says.
 */
export const UPDATE_STATE = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then redis.call('HINCRBY', KEYS[2], 'gaps', ARGV[2]) end
if #ARGV > 2 then redis.call('HSET', KEYS[2], unpack(ARGV, 3)) end
return 1`;

/**
 * The fleet's join pace, a GCRA shared through Redis. KEYS[1] pace; ARGV: 1 interval ms, 2 burst, 3 this
 * request's jitter ms. Reserves the next slot and returns how many ms the caller waits before its request.
 */
export const RESERVE_PACE = `${NOW}
local interval = tonumber(ARGV[1])
local tolerance = (tonumber(ARGV[2]) - 1) * interval
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(now, tat - tolerance)
local nextTat = math.max(tat, at) + interval + tonumber(ARGV[3])
redis.call('SET', KEYS[1], nextTat, 'PX', math.floor(nextTat - now + tolerance + 60000))
return at - now`;

/** The server clock in ms. */
export const SERVER_TIME = `${NOW}
return now`;
