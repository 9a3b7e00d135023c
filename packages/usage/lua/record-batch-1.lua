-- Applies a batch of usage records, each exactly once, atomically (one script call = one transaction).
-- Uses: lib-dates.lua
--
-- KEYS[1]  the base key `<prefix>:{u:<user>}` of one record's user. Every record of the batch must be in that key's
--          hash slot (the store groups records by slot); it routes the call on a cluster. The other keys are
--          derived below from the prefix and each record's user, exactly as src/keys.ts builds them.
-- ARGV[1]  key prefix
-- ARGV[2]  dedupe TTL, seconds
-- ARGV[3]  daily bucket retention after the day ends, seconds (0 = keep forever)
-- ARGV[4]  default billing cycle start day of month (1-31)
-- ARGV[5…] the records, 14 slots each:
--          id, user, day (YYYYMMDD, UTC), model, provider, agent ('' = none), input, output, cache read,
--          cache write, reasoning tokens, cost in micro-dollars, error (0/1), reservation id to release ('' = none)
-- Returns  {applied, duplicates}
--
-- A record whose dedupe key `<base>:dd:<id>` exists is skipped; otherwise its increments go to the user's cycle hash
-- `<base>:c:<cycle start>` and day hash `<base>:d:<day>`: totals (rq er in out cr cw rs c) and the same counters
-- per model (`m:<model>:<counter>`), provider (`p:…`) and agent (`a:…`). Increments of the whole batch are summed
-- in Lua first, so each counter is written once per call. Only integers reach HINCRBY.

local prefix = ARGV[1]
local dedupe_ttl = tonumber(ARGV[2])
local retention = tonumber(ARGV[3])
local default_anchor = tonumber(ARGV[4])
local COUNTERS = { 'rq', 'er', 'in', 'out', 'cr', 'cw', 'rs', 'c' }

local now = tonumber(redis.call('TIME')[1])
local incr = {}
local day_expiry = {}
local anchors = {}
local applied, duplicates = 0, 0

for i = 5, #ARGV, 14 do
  local user, day, resv = ARGV[i + 1], ARGV[i + 2], ARGV[i + 13]
  local base = prefix .. ':{u:' .. user .. '}'
  if redis.call('SET', base .. ':dd:' .. ARGV[i], '1', 'NX', 'EX', dedupe_ttl) then
    applied = applied + 1
    local anchor = anchors[user]
    if not anchor then
      anchor = cycle_anchor(redis.call('HGET', base .. ':cfg', 'cycle_start'), default_anchor)
      anchors[user] = anchor
    end
    local y, m, d = tonumber(string.sub(day, 1, 4)), tonumber(string.sub(day, 5, 6)), tonumber(string.sub(day, 7, 8))
    local targets = { base .. ':c:' .. cycle_start(y, m, d, anchor) }
    local day_key = base .. ':d:' .. day
    local expire_at = day_expiry[day_key]
    if expire_at == nil then
      expire_at = 0
      if retention > 0 then expire_at = (days_from_civil(y, m, d) + 1) * 86400 + retention end
      day_expiry[day_key] = expire_at
    end
    -- A day already past its retention is not written: EXPIREAT in the past would delete it at once anyway.
    if expire_at == 0 or expire_at > now then targets[2] = day_key end

    local model, provider, agent = 'm:' .. ARGV[i + 3] .. ':', 'p:' .. ARGV[i + 4] .. ':', ARGV[i + 5]
    if agent ~= '' then agent = 'a:' .. agent .. ':' end
    local values = { 1, tonumber(ARGV[i + 12]), tonumber(ARGV[i + 6]), tonumber(ARGV[i + 7]), tonumber(ARGV[i + 8]),
      tonumber(ARGV[i + 9]), tonumber(ARGV[i + 10]), tonumber(ARGV[i + 11]) }
    for _, key in ipairs(targets) do
      local h = incr[key]
      if not h then
        h = {}
        incr[key] = h
      end
      for j = 1, 8 do
        local n = values[j]
        if n ~= 0 then
          local c = COUNTERS[j]
          h[c] = (h[c] or 0) + n
          local f = model .. c
          h[f] = (h[f] or 0) + n
          f = provider .. c
          h[f] = (h[f] or 0) + n
          if agent ~= '' then
            f = agent .. c
            h[f] = (h[f] or 0) + n
          end
        end
      end
    end
  else
    duplicates = duplicates + 1
  end
  -- Released even for a duplicate: the usage it stood for is counted either way.
  if resv ~= '' then redis.call('HDEL', base .. ':resv', resv) end
end

for key, h in pairs(incr) do
  for field, n in pairs(h) do
    redis.call('HINCRBY', key, field, n)
  end
  local expire_at = day_expiry[key]
  if expire_at and expire_at > 0 then redis.call('EXPIREAT', key, expire_at) end
end

return { applied, duplicates }
