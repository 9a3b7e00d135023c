-- Applies a batch of usage records, each exactly once, atomically (one script call = one transaction).
-- Uses: lib-dates.lua
--
-- KEYS[1]  the base key `<prefix>:{u:<user>}` of one record's user. Every record of the batch must be in that key's
--          hash slot (the store groups records by slot); it routes the call on a cluster.
-- ARGV[1]  dedupe TTL, seconds
-- ARGV[2]  number of user blocks; then, per user (built by src/batch.ts):
--            base key `<prefix>:{u:<user>}`, d (days), r (reservations to release), then per day:
--              day (YYYYMMDD, UTC), n (records), k (combos), end of the day (Unix seconds), expiry of the day hash
--              (Unix seconds, 0 = never), start of the day's billing cycle for users without their own cycle start
--              (YYYYMMDD), default cycle start day (1-31),
--              ids: the n records' dedupe members, each after a byte holding its length,
--              records: n x 10 little-endian doubles (combo index from 0, then the 9 counters),
--              totals: 9 doubles (the day's counters), the k combo field names, sums: k x 9 doubles (per combo),
--            then the r reservation ids.
-- Returns  {applied, duplicates}
--
-- Counters, in this order everywhere: rq er in out cr cw rs c uk (requests, errors, input, output, cache read,
-- cache write, reasoning tokens, cost in micro-dollars, requests of unknown cost).
--
-- Dedupe: a record's member goes into the set `<base>:dd:<day>` of its own day, so a re-sent record always meets
-- the one set that may hold it. A set lives until the dedupe TTL after its day ends, and at least the TTL after a
-- record was added to it. A set holds the member '' from its creation on, which tells whether it has its expiry.
--
-- The caller sums the counters per day and combo (provider, model, agent). When none of a day's records is a
-- duplicate (the normal case) the sums are applied as sent; otherwise they are summed again here from the new
-- records. A day hash `<base>:d:<day>` holds one field per combo, its 9 counters packed as little-endian doubles
-- (exact integers), read and rewritten once per call; its field '_' marks a hash that has its expiry. The cycle hash
-- `<base>:c:<cycle start>` holds the 9 totals as decimal integers (the budget script reads them). The work per user
-- is a fixed handful of commands, whatever the number of its records.

local dedupe_ttl = tonumber(ARGV[1])
local COUNTERS = { 'rq', 'er', 'in', 'out', 'cr', 'cw', 'rs', 'c', 'uk' }
local VALUES = '<ddddddddd'
local RECORD = '<dddddddddd'
-- Lua's unpack() is limited by the C stack (LUAI_MAXCSTACK 8000): longer lists go out in chunks.
local CHUNK = 1000

local now = tonumber(redis.call('TIME')[1])
local applied, duplicates = 0, 0

-- redis.call(cmd, key, [first], list[from..to]) in chunks; with `collect`, returns the replies concatenated.
local function call_list(cmd, key, first, list, from, to, collect)
  if to - from < CHUNK then
    if first ~= nil then return redis.call(cmd, key, first, unpack(list, from, to)) end
    return redis.call(cmd, key, unpack(list, from, to))
  end
  local out = {}
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
    if collect then
      for x = 1, #reply do out[#out + 1] = reply[x] end
    end
    i = j + 1
  until i > to
  return out
end

local function bad_value(key, field)
  error({ err = 'llmtel usage: unexpected value in ' .. key .. ' field ' .. field .. ' (another version?)' })
end

local i = 3
for _ = 1, tonumber(ARGV[2]) do
  local base, ndays, nresv = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  i = i + 3
  local own_start -- the user's own cycle start date, read once per user; false = none
  local cycles = {}

  for _ = 1, ndays do
    local day, n, k = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
    local day_end, expire_at = tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4])
    local default_cycle, default_anchor = ARGV[i + 5], ARGV[i + 6]
    local id_blob, record_blob, totals = ARGV[i + 7], ARGV[i + 8], ARGV[i + 9]
    local names_at = i + 10
    local sums = ARGV[names_at + k]
    i = names_at + k + 1

    -- Which records are new.
    local ids, pos = {}, 1
    for j = 1, n do
      local len = string.byte(id_blob, pos)
      ids[j] = string.sub(id_blob, pos + 1, pos + len)
      pos = pos + 1 + len
    end
    local dd_key = base .. ':dd:' .. day
    local seen = call_list('SMISMEMBER', dd_key, '', ids, 1, n, true)
    local fresh = ids
    for j = 1, n do
      if seen[j + 1] == 1 then
        if fresh == ids then fresh = {} for x = 1, j - 1 do fresh[x] = ids[x] end end
      elseif fresh ~= ids then
        fresh[#fresh + 1] = ids[j]
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
        -- A late record of a past day: remember it for the whole TTL from now on.
        redis.call('EXPIREAT', dd_key, now + dedupe_ttl, 'GT')
      end

      -- With duplicates, the sums of the new records only (indexed by combo, from 0).
      local resummed
      if fresh ~= ids then
        resummed = {}
        totals = { 0, 0, 0, 0, 0, 0, 0, 0, 0 }
        for j = 1, n do
          if seen[j + 1] ~= 1 then
            local v = { struct.unpack(RECORD, record_blob, (j - 1) * 80 + 1) }
            local s = resummed[v[1]]
            if not s then
              s = { 0, 0, 0, 0, 0, 0, 0, 0, 0 }
              resummed[v[1]] = s
            end
            for x = 1, 9 do
              s[x] = s[x] + v[x + 1]
              totals[x] = totals[x] + v[x + 1]
            end
          end
        end
      else
        totals = { struct.unpack(VALUES, totals) }
      end

      -- A day already past its retention is not written (EXPIREAT in the past would delete it at once anyway);
      -- its records still count in their billing cycle.
      if expire_at == 0 or expire_at > now then
        local key = base .. ':d:' .. day
        local old = call_list('HMGET', key, '_', ARGV, names_at, names_at + k - 1, true)
        local hs = {}
        for c = 1, k do
          local a1, a2, a3, a4, a5, a6, a7, a8, a9
          if resummed then
            local s = resummed[c - 1]
            if s then a1, a2, a3, a4, a5, a6, a7, a8, a9 = s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9] end
          else
            a1, a2, a3, a4, a5, a6, a7, a8, a9 = struct.unpack(VALUES, sums, c * 72 - 71)
          end
          if a1 then
            local field, o = ARGV[names_at + c - 1], old[c + 1]
            if o then
              if #o ~= 72 then bad_value(key, field) end
              local b1, b2, b3, b4, b5, b6, b7, b8, b9 = struct.unpack(VALUES, o)
              a1, a2, a3, a4, a5, a6, a7, a8, a9 = a1 + b1, a2 + b2, a3 + b3, a4 + b4, a5 + b5, a6 + b6, a7 + b7,
                a8 + b8, a9 + b9
            end
            hs[#hs + 1] = field
            hs[#hs + 1] = struct.pack(VALUES, a1, a2, a3, a4, a5, a6, a7, a8, a9)
          end
        end
        local needs_expiry = expire_at > 0 and not old[1]
        if needs_expiry then
          hs[#hs + 1] = '_'
          hs[#hs + 1] = '1'
        end
        call_list('HSET', key, nil, hs, 1, #hs, false)
        if needs_expiry then redis.call('EXPIREAT', key, expire_at) end
      end

      if own_start == nil then own_start = redis.call('HGET', base .. ':cfg', 'cycle_start') end
      local cycle_key
      if own_start then
        local y, m, d = tonumber(string.sub(day, 1, 4)), tonumber(string.sub(day, 5, 6)), tonumber(string.sub(day, 7, 8))
        cycle_key = base .. ':c:' .. cycle_start(y, m, d, cycle_anchor(own_start, tonumber(default_anchor)))
      else
        cycle_key = base .. ':c:' .. default_cycle
      end
      local acc = cycles[cycle_key]
      if not acc then
        cycles[cycle_key] = totals
      else
        for x = 1, 9 do acc[x] = acc[x] + totals[x] end
      end
    end
  end

  for cycle_key, total in pairs(cycles) do
    local old = redis.call('HMGET', cycle_key, 'rq', 'er', 'in', 'out', 'cr', 'cw', 'rs', 'c', 'uk')
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
