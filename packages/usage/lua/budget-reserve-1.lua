-- Reserves an estimate against a user's budget for the current billing cycle, atomically.
-- Uses: lib-dates.lua
--
-- KEYS[1]  the user's base key `<prefix>:{u:<user>}`; the script uses `<base>:cfg` (cycle start date, own limits),
--          `<base>:c:<cycle start>` (cycle totals packed as 9 little-endian doubles, written by record-batch-1.lua:
--          the 3rd, 4th and 8th are input tokens, output tokens and cost in micro-dollars) and `<base>:resv`
--          (reservations: id -> "<expires at ms> <tokens> <cost micros>").
-- ARGV[1]  reservation id
-- ARGV[2]  estimated tokens (input + output)
-- ARGV[3]  estimated cost, micro-dollars
-- ARGV[4]  reservation TTL, ms
-- ARGV[5]  default billing cycle start day of month (1-31)
-- ARGV[6]  token limit to use when the user has none of their own ('' = none)
-- ARGV[7]  cost limit in micro-dollars to use when the user has none of their own ('' = none)
-- ARGV[8]  1 = record the reservation even when over the limit (warn mode), 0 = only when allowed
-- Returns  {allowed (0/1), exceeded ('', 'tokens' or 'cost'), token limit (-1 = none), tokens used,
--           tokens reserved by others, cost limit (-1 = none), cost used, cost reserved by others, reserved (0/1)}
--
-- Allowed when, for each quantity with a limit, used + reserved + estimate <= limit. Expired reservations (from
-- a process that died before committing or releasing) are dropped here, so nothing leaks for longer than the TTL.

local base = KEYS[1]
local id = ARGV[1]
local est_tokens = tonumber(ARGV[2])
local est_cost = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])

local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local cfg = redis.call('HMGET', base .. ':cfg', 'cycle_start', 'lim_tokens', 'lim_cost')
local lim_tokens = tonumber(cfg[2]) or tonumber(ARGV[6])
local lim_cost = tonumber(cfg[3]) or tonumber(ARGV[7])

local y, m, d = civil_from_days(math.floor(now_ms / 86400000))
local cycle_key = base .. ':c:' .. cycle_start(y, m, d, cycle_anchor(cfg[1], tonumber(ARGV[5])))
local used_tokens, used_cost = 0, 0
local totals = redis.call('GET', cycle_key)
if totals and #totals == 72 then
  local _, _, input, output, _, _, _, cost = struct.unpack('<ddddddddd', totals)
  used_tokens = input + output
  used_cost = cost
end

local resv_key = base .. ':resv'
local res_tokens, res_cost, max_expiry = 0, 0, 0
local entries = redis.call('HGETALL', resv_key)
for i = 1, #entries, 2 do
  local exp, tok, cost = string.match(entries[i + 1], '^(%d+) (%d+) (%d+)$')
  exp = tonumber(exp)
  if not exp or exp <= now_ms then
    redis.call('HDEL', resv_key, entries[i])
  elseif entries[i] ~= id then
    res_tokens = res_tokens + tonumber(tok)
    res_cost = res_cost + tonumber(cost)
    if exp > max_expiry then max_expiry = exp end
  end
end

local exceeded = ''
if lim_tokens and used_tokens + res_tokens + est_tokens > lim_tokens then
  exceeded = 'tokens'
elseif lim_cost and used_cost + res_cost + est_cost > lim_cost then
  exceeded = 'cost'
end
local allowed = exceeded == '' and 1 or 0

local reserved = 0
if allowed == 1 or ARGV[8] == '1' then
  local exp = now_ms + ttl
  redis.call('HSET', resv_key, id, string.format('%d %d %d', exp, est_tokens, est_cost))
  if exp > max_expiry then max_expiry = exp end
  reserved = 1
end
if max_expiry > 0 then redis.call('PEXPIREAT', resv_key, max_expiry) end

return { allowed, exceeded, lim_tokens or -1, used_tokens, res_tokens, lim_cost or -1, used_cost, res_cost, reserved }
