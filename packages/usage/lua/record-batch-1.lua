-- Applies a batch of usage records, each exactly once, atomically (one script call = one transaction).
-- Uses: lib-dates.lua
--
-- KEYS[1]  the base key `<prefix>:{u:<user>}` of one record's user. Every record of the batch must be in that key's
--          hash slot (the store groups records by slot); it routes the call on a cluster. The other keys are
--          derived below from the prefix and each block's user, exactly as src/keys.ts builds them.
-- ARGV[1]  key prefix
-- ARGV[2]  dedupe TTL, seconds
-- ARGV[3]  daily bucket retention after the day ends, seconds (0 = keep forever)
-- ARGV[4]  default billing cycle start day of month (1-31)
-- ARGV[5]  number of user blocks; then, per user (built by src/batch.ts):
--            user, n (records), d (days), r (reservations to release),
--            ids: the n dedupe members, each prefixed by its length in one byte,
--            records: n x 11 little-endian doubles (day index, combo index within the day, then the 9 counters),
--            then per day: day (YYYYMMDD), k (combos), k combo field names, k x 9 doubles (the day's sums per combo),
--            then the r reservation ids.
-- Returns  {applied, duplicates}
--
-- Counters, in this order everywhere: rq er in out cr cw rs c uk (requests, errors, input, output, cache read,
-- cache write, reasoning tokens, cost in micro-dollars, requests of unknown cost).
--
-- Dedupe: a record id is a member of the set `<base>:dd:<YYYYMMDD>` of the (server clock) day it was first applied.
-- A record is a duplicate when its id is in the set of today or of one of the ceil(TTL / 1 day) days before, so an
-- id is remembered for at least the TTL (at most one day more). A set holds the member '' from its creation on,
-- which tells this script whether it still has to give the set its expiry.
--
-- The caller sums the records per day and combo (provider, model, agent) beforehand. When none of the block's
-- records is a duplicate (the normal case) those sums are applied as sent; otherwise they are summed again here from
-- the records that are new. Each day hash `<base>:d:<day>` holds one field per combo, its 9 counters packed as
-- little-endian doubles (exact integers), read and rewritten once per call; the field '_' marks a day hash that
-- already has its expiry. The cycle hash `<base>:c:<cycle start>` holds the 9 totals as decimal integers (the budget
-- script reads them), also read and rewritten once per call.

local prefix = ARGV[1]
local dedupe_ttl = tonumber(ARGV[2])
local retention = tonumber(ARGV[3])
local default_anchor = tonumber(ARGV[4])
local COUNTERS = { 'rq', 'er', 'in', 'out', 'cr', 'cw', 'rs', 'c', 'uk' }
local VALUES = '<ddddddddd'
local VALUES_SIZE = 72
local RECORD = '<ddddddddddd'
local RECORD_SIZE = 88
-- Lua's unpack() is limited by the C stack (LUAI_MAXCSTACK 8000): long argument lists go out in chunks.
local CHUNK = 1000

local now = tonumber(redis.call('TIME')[1])
local today = math.floor(now / 86400)
local dedupe_days = math.ceil(dedupe_ttl / 86400)
local applied, duplicates = 0, 0

-- redis.call(cmd, key, [first], list[from..to]...), chunked; returns the concatenated replies when `collect`.
local function call_list(cmd, key, first, list, from, to, collect)
  local out = collect and {} or nil
  local i = from
  repeat
    local j = math.min(to, i + CHUNK - 1)
    local reply
    if first ~= nil then
      reply = redis.call(cmd, key, first, unpack(list, i, j))
      first = nil
    else
      reply = redis.call(cmd, key, unpack(list, i, j))
    end
    if out then
      for x = 1, #reply do out[#out + 1] = reply[x] end
    end
    i = j + 1
  until i > to
  return out
end

-- Adds the packed counters `old` (or nothing when false) to the numbers in `inc`; returns them packed.
local function add_packed(key, field, old, inc)
  if old then
    if #old ~= VALUES_SIZE then
      error({ err = 'llmtel usage: unexpected value in ' .. key .. ' field ' .. field .. ' (another version?)' })
    end
    local b1, b2, b3, b4, b5, b6, b7, b8, b9 = struct.unpack(VALUES, old)
    return struct.pack(VALUES, inc[1] + b1, inc[2] + b2, inc[3] + b3, inc[4] + b4, inc[5] + b5, inc[6] + b6,
      inc[7] + b7, inc[8] + b8, inc[9] + b9)
  end
  return struct.pack(VALUES, inc[1], inc[2], inc[3], inc[4], inc[5], inc[6], inc[7], inc[8], inc[9])
end

local dedupe_sets = {}
for back = 0, dedupe_days do dedupe_sets[back + 1] = day_id(today - back) end
local dedupe_expire_at = (today + dedupe_days + 1) * 86400

local i = 6
for _ = 1, tonumber(ARGV[5]) do
  local user, n, ndays, nresv = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
  local id_blob, record_blob = ARGV[i + 4], ARGV[i + 5]
  i = i + 6
  local base = prefix .. ':{u:' .. user .. '}'

  -- Which records are new.
  local ids, pos = {}, 1
  for j = 1, n do
    local len = string.byte(id_blob, pos)
    ids[j] = string.sub(id_blob, pos + 1, pos + len)
    pos = pos + 1 + len
  end
  local dd_key = base .. ':dd:' .. dedupe_sets[1]
  local seen = call_list('SMISMEMBER', dd_key, '', ids, 1, n, true)
  local set_exists = seen[1] == 1
  local dup
  for j = 1, n do
    if seen[j + 1] == 1 then
      dup = dup or {}
      dup[j] = true
    end
  end
  for back = 2, #dedupe_sets do
    local older = call_list('SMISMEMBER', base .. ':dd:' .. dedupe_sets[back], nil, ids, 1, n, true)
    for j = 1, n do
      if older[j] == 1 then
        dup = dup or {}
        dup[j] = true
      end
    end
  end
  local fresh = ids
  if dup then
    fresh = {}
    for j = 1, n do
      if not dup[j] then fresh[#fresh + 1] = ids[j] end
    end
  end
  local nfresh = #fresh
  applied = applied + nfresh
  duplicates = duplicates + n - nfresh
  if nfresh > 0 then
    call_list('SADD', dd_key, (not set_exists) and '' or nil, fresh, 1, nfresh, false)
    if not set_exists then redis.call('EXPIREAT', dd_key, dedupe_expire_at) end
  end

  -- With duplicates, the sums of the new records only, per day index and combo index.
  local resummed
  if dup and nfresh > 0 then
    resummed = {}
    for j = 1, n do
      if not dup[j] then
        local d, c, v1, v2, v3, v4, v5, v6, v7, v8, v9 = struct.unpack(RECORD, record_blob, (j - 1) * RECORD_SIZE + 1)
        local per_day = resummed[d]
        if not per_day then
          per_day = {}
          resummed[d] = per_day
        end
        local s = per_day[c]
        if not s then
          per_day[c] = { v1, v2, v3, v4, v5, v6, v7, v8, v9 }
        else
          s[1], s[2], s[3], s[4], s[5] = s[1] + v1, s[2] + v2, s[3] + v3, s[4] + v4, s[5] + v5
          s[6], s[7], s[8], s[9] = s[6] + v6, s[7] + v7, s[8] + v8, s[9] + v9
        end
      end
    end
  end

  local anchor
  local cycles = {}
  for d = 0, ndays - 1 do
    local day, k = ARGV[i], tonumber(ARGV[i + 1])
    local names_at, sums = i + 2, ARGV[i + 2 + k]
    i = i + 3 + k
    if nfresh > 0 then
      local incs = {}
      local total = { 0, 0, 0, 0, 0, 0, 0, 0, 0 }
      local names = {}
      local per_day = resummed and resummed[d]
      for c = 1, k do
        local inc
        if resummed then
          inc = per_day and per_day[c - 1]
        else
          inc = { struct.unpack(VALUES, sums, (c - 1) * VALUES_SIZE + 1) }
        end
        if inc then
          names[#names + 1] = ARGV[names_at + c - 1]
          incs[#incs + 1] = inc
          for x = 1, 9 do total[x] = total[x] + inc[x] end
        end
      end

      local y, m, dd = tonumber(string.sub(day, 1, 4)), tonumber(string.sub(day, 5, 6)), tonumber(string.sub(day, 7, 8))
      local expire_at = 0
      if retention > 0 then expire_at = (days_from_civil(y, m, dd) + 1) * 86400 + retention end
      -- A day already past its retention is not written (EXPIREAT in the past would delete it at once anyway);
      -- its records still count in their billing cycle.
      if #names > 0 and (expire_at == 0 or expire_at > now) then
        local key = base .. ':d:' .. day
        local old = call_list('HMGET', key, '_', names, 1, #names, true)
        local hs = {}
        for c = 1, #names do
          hs[2 * c - 1] = names[c]
          hs[2 * c] = add_packed(key, names[c], old[c + 1], incs[c])
        end
        local needs_expiry = expire_at > 0 and not old[1]
        if needs_expiry then
          hs[#hs + 1] = '_'
          hs[#hs + 1] = '1'
        end
        call_list('HSET', key, nil, hs, 1, #hs, false)
        if needs_expiry then redis.call('EXPIREAT', key, expire_at) end
      end

      if not anchor then
        anchor = cycle_anchor(redis.call('HGET', base .. ':cfg', 'cycle_start'), default_anchor)
      end
      local cycle_key = base .. ':c:' .. cycle_start(y, m, dd, anchor)
      local acc = cycles[cycle_key]
      if not acc then
        cycles[cycle_key] = total
      else
        for x = 1, 9 do acc[x] = acc[x] + total[x] end
      end
    end
  end

  for cycle_key, total in pairs(cycles) do
    local old = redis.call('HMGET', cycle_key, unpack(COUNTERS))
    local hs = {}
    for x = 1, 9 do
      if total[x] ~= 0 then
        hs[#hs + 1] = COUNTERS[x]
        hs[#hs + 1] = string.format('%d', (tonumber(old[x]) or 0) + total[x])
      end
    end
    if #hs > 0 then redis.call('HSET', cycle_key, unpack(hs)) end
  end

  -- Released even for a duplicate: the usage it stood for is counted either way.
  if nresv > 0 then call_list('HDEL', base .. ':resv', nil, ARGV, i, i + nresv - 1, false) end
  i = i + nresv
end

return { applied, duplicates }
