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
--            user, d (days), r (reservations to release), then per day:
--              day (YYYYMMDD, UTC), n (records), k (combos),
--              ids: the n records' dedupe members, each after a byte holding its length,
--              records: n x 10 little-endian doubles (combo index, then the 9 counters),
--              the k combo field names, sums: k x 9 doubles (the counters of the day's records per combo),
--            then the r reservation ids.
-- Returns  {applied, duplicates}
--
-- Counters, in this order everywhere: rq er in out cr cw rs c uk (requests, errors, input, output, cache read,
-- cache write, reasoning tokens, cost in micro-dollars, requests of unknown cost).
--
-- Dedupe: a record's member goes into the set `<base>:dd:<day>` of its own day, so a re-sent record always meets
-- the one set that holds it. A set lives until the dedupe TTL after its day ends, and at least the TTL after the
-- last record was added to it. A set holds the member '' from its creation on, which tells whether it has its expiry.
--
-- The caller sums the records per day and combo (provider, model, agent). When none of a day's records is a
-- duplicate (the normal case) those sums are applied as sent; otherwise they are summed again here from the new
-- records. Each day hash `<base>:d:<day>` holds one field per combo, its 9 counters packed as little-endian doubles
-- (exact integers), read and rewritten once per call; its field '_' marks a hash that has its expiry. The cycle hash
-- `<base>:c:<cycle start>` holds the 9 totals as decimal integers (the budget script reads them).

local prefix = ARGV[1]
local dedupe_ttl = tonumber(ARGV[2])
local retention = tonumber(ARGV[3])
local default_anchor = tonumber(ARGV[4])
local COUNTERS = { 'rq', 'er', 'in', 'out', 'cr', 'cw', 'rs', 'c', 'uk' }
local VALUES = '<ddddddddd'
local VALUES_SIZE = 72
local RECORD = '<dddddddddd'
local RECORD_SIZE = 80
-- Lua's unpack() is limited by the C stack (LUAI_MAXCSTACK 8000): long argument lists go out in chunks.
local CHUNK = 1000

local now = tonumber(redis.call('TIME')[1])
local applied, duplicates = 0, 0

-- redis.call(cmd, key, [first], list[from..to]), chunked; with `collect`, returns the replies concatenated.
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

-- The numbers of `inc` plus the packed counters `old` (if any), packed.
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

local i = 6
for _ = 1, tonumber(ARGV[5]) do
  local user, ndays, nresv = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  i = i + 3
  local base = prefix .. ':{u:' .. user .. '}'
  local anchor
  local cycles = {}

  for _ = 1, ndays do
    local day, n, k = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
    local id_blob, record_blob, names_at, sums = ARGV[i + 3], ARGV[i + 4], i + 5, ARGV[i + 5 + k]
    i = i + 6 + k
    local y, m, d = tonumber(string.sub(day, 1, 4)), tonumber(string.sub(day, 5, 6)), tonumber(string.sub(day, 7, 8))
    local day_end = (days_from_civil(y, m, d) + 1) * 86400

    -- Which records are new.
    local ids, pos = {}, 1
    for j = 1, n do
      local len = string.byte(id_blob, pos)
      ids[j] = string.sub(id_blob, pos + 1, pos + len)
      pos = pos + 1 + len
    end
    local dd_key = base .. ':dd:' .. day
    local seen = call_list('SMISMEMBER', dd_key, '', ids, 1, n, true)
    local dup
    for j = 1, n do
      if seen[j + 1] == 1 then
        dup = dup or {}
        dup[j] = true
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
      local set_exists = seen[1] == 1
      call_list('SADD', dd_key, (not set_exists) and '' or nil, fresh, 1, nfresh, false)
      if not set_exists then
        redis.call('EXPIREAT', dd_key, math.max(day_end, now) + dedupe_ttl)
      elseif day_end < now then
        -- A late record of a past day: remember it for the whole TTL from now.
        redis.call('EXPIREAT', dd_key, now + dedupe_ttl, 'GT')
      end

      -- The increments per combo, and their total for the cycle.
      local names, incs = {}, {}
      local total = { 0, 0, 0, 0, 0, 0, 0, 0, 0 }
      if dup then
        local by_combo = {}
        for j = 1, n do
          if not dup[j] then
            local c, v1, v2, v3, v4, v5, v6, v7, v8, v9 = struct.unpack(RECORD, record_blob, (j - 1) * RECORD_SIZE + 1)
            local s = by_combo[c]
            if not s then
              by_combo[c] = { v1, v2, v3, v4, v5, v6, v7, v8, v9 }
            else
              s[1], s[2], s[3], s[4], s[5] = s[1] + v1, s[2] + v2, s[3] + v3, s[4] + v4, s[5] + v5
              s[6], s[7], s[8], s[9] = s[6] + v6, s[7] + v7, s[8] + v8, s[9] + v9
            end
          end
        end
        for c = 1, k do
          local s = by_combo[c - 1]
          if s then
            names[#names + 1] = ARGV[names_at + c - 1]
            incs[#incs + 1] = s
          end
        end
      else
        for c = 1, k do
          names[c] = ARGV[names_at + c - 1]
          incs[c] = { struct.unpack(VALUES, sums, (c - 1) * VALUES_SIZE + 1) }
        end
      end
      for c = 1, #incs do
        local s = incs[c]
        for x = 1, 9 do total[x] = total[x] + s[x] end
      end

      local expire_at = 0
      if retention > 0 then expire_at = day_end + retention end
      -- A day already past its retention is not written (EXPIREAT in the past would delete it at once anyway);
      -- its records still count in their billing cycle.
      if expire_at == 0 or expire_at > now then
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
      local cycle_key = base .. ':c:' .. cycle_start(y, m, d, anchor)
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
