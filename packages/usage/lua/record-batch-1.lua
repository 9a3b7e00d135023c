-- Applies a batch of usage records, each exactly once, atomically (one script call = one transaction).
-- Uses: lib-dates.lua
--
-- KEYS[1]  the base key `<prefix>:{u:<user>}` of one record's user. Every record of the batch must be in that key's
--          hash slot (the store groups records by slot); it routes the call on a cluster.
-- ARGV[1]  dedupe TTL, seconds
-- ARGV[2]  default billing cycle start day of month (1-31)
-- ARGV[3]  D, the number of days; then per day: the day (YYYYMMDD, UTC), its end (Unix seconds), the expiry of its
--          day hashes (Unix seconds, 0 = never), and the start (YYYYMMDD) of its billing cycle for users without a
--          cycle start date of their own.
-- then     C, the number of combos; then the C combo field names (`<provider>|<model>|<agent>`).
-- then     U, the number of users; then per user: base key `<prefix>:{u:<user>}`, d (days), r (reservations to
--          release), then per day of the user:
--            sums: little-endian doubles: day number (1..D), n (records), k (combos), the day's 9 totals, then k
--                  times a combo number (1..C) and its 9 counters;
--            ids: the n records' dedupe members, each after a byte holding its length;
--          then the r reservation ids.
-- Returns  {n, 0} when it applied all n records; {-1, i, j, …} when the records at positions i, j, … (from 1, in
--          the order of the ids above) were applied before: then it wrote nothing, and the caller sends the batch
--          again without them.
--
-- Counters, in this order everywhere: rq er in out cr cw rs c uk (requests, errors, input, output, cache read,
-- cache write, reasoning tokens, cost in micro-dollars, requests of unknown cost).
--
-- Dedupe: a record's member goes into the set `<base>:dd:<day>` of its own day, so a re-sent record always meets
-- the one set that may hold it. A set lives until the dedupe TTL after its day ends, and at least the TTL after a
-- record was added to it. A set holds the member '' from its creation on, which tells whether it has its expiry.
--
-- The caller sums the counters per user, day and combo (provider, model, agent), so the work per user is a fixed
-- handful of commands whatever the number of its records. A day hash `<base>:d:<day>` holds one field per combo, its
-- 9 counters packed as little-endian doubles (exact integers); its field '_' marks a hash that has its expiry. The
-- string `<base>:c:<cycle start>` holds the cycle's 9 totals packed the same way (the budget script reads it).
-- Everything is read and checked before the first write, so an error leaves nothing half-written.

local dedupe_ttl = tonumber(ARGV[1])
local default_anchor = tonumber(ARGV[2])
local VALUES = '<ddddddddd'
local COMBO = '<dddddddddd'
-- Lua's unpack() is limited by the C stack (LUAI_MAXCSTACK 8000): longer lists go out in chunks.
local CHUNK = 1000

local now = tonumber(redis.call('TIME')[1])

-- redis.call(cmd, key, [first], list[from..to]) in chunks; returns the replies concatenated.
local function call_list(cmd, key, first, list, from, to)
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
    if type(reply) == 'table' then
      for x = 1, #reply do out[#out + 1] = reply[x] end
    end
    i = j + 1
  until i > to
  return out
end

local function check_packed(value, key, field)
  if value and #value ~= 72 then
    error({ err = 'llmtel usage: unexpected value in ' .. key .. ' ' .. field .. ' (written by another version?)' })
  end
end

local i = 4
local day_ids, day_ends, day_expiries, day_cycles = {}, {}, {}, {}
for d = 1, tonumber(ARGV[3]) do
  day_ids[d], day_ends[d], day_expiries[d], day_cycles[d] = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]),
    ARGV[i + 3]
  i = i + 4
end
local combo_names = {}
local ncombos = tonumber(ARGV[i])
for c = 1, ncombos do combo_names[c] = ARGV[i + c] end
i = i + ncombos + 1

-- Pass 1, read only: which records were applied before, and the current values of every counter to update. What
-- pass 2 needs is kept in flat lists (one entry per user-day, per cycle) rather than tables per entry: cheaper.
local nusers = tonumber(ARGV[i])
i = i + 1
local u_base, u_days, u_cycles, u_resv, u_nresv = {}, {}, {}, {}, {}
local l_dd, l_ids, l_n, l_exists, l_end, l_key, l_names, l_old, l_sums, l_k, l_expire = {}, {}, {}, {}, {}, {}, {}, {},
  {}, {}, {}
local c_key, c_old, c_add = {}, {}, {}
local nl, nc = 0, 0
local dups, position = nil, 0
for u = 1, nusers do
  local base, ndays, nresv = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2])
  i = i + 3
  u_base[u], u_days[u], u_nresv[u] = base, ndays, nresv
  local own_start -- the user's own cycle start date, read once; false = none
  local first_cycle = nc + 1
  for _ = 1, ndays do
    local sums, id_blob = ARGV[i], ARGV[i + 1]
    i = i + 2
    local di, n, k, t1, t2, t3, t4, t5, t6, t7, t8, t9 = struct.unpack('<dddddddddddd', sums)
    local day = day_ids[di]
    local ids, pos = {}, 1
    for j = 1, n do
      local len = string.byte(id_blob, pos)
      ids[j] = string.sub(id_blob, pos + 1, pos + len)
      pos = pos + 1 + len
    end
    local dd_key = base .. ':dd:' .. day
    local seen = call_list('SMISMEMBER', dd_key, '', ids, 1, n)
    for j = 1, n do
      if seen[j + 1] == 1 then
        dups = dups or { -1 }
        dups[#dups + 1] = position + j
      end
    end
    position = position + n
    nl = nl + 1
    l_dd[nl], l_ids[nl], l_n[nl], l_exists[nl], l_end[nl], l_key[nl] = dd_key, ids, n, seen[1] == 1, day_ends[di], false

    if not dups then
      -- A day already past its retention is not written (EXPIREAT in the past would delete it at once anyway);
      -- its records still count in their billing cycle.
      local expire_at = day_expiries[di]
      if expire_at == 0 or expire_at > now then
        local key = base .. ':d:' .. day
        local names = {}
        for c = 1, k do names[c] = combo_names[struct.unpack('<d', sums, 97 + (c - 1) * 80)] end
        local old = call_list('HMGET', key, '_', names, 1, k)
        for c = 1, k do check_packed(old[c + 1], key, names[c]) end
        l_key[nl], l_names[nl], l_old[nl], l_sums[nl], l_k[nl] = key, names, old, sums, k
        l_expire[nl] = expire_at > 0 and not old[1] and expire_at or false
      end

      if own_start == nil then own_start = redis.call('HGET', base .. ':cfg', 'cycle_start') end
      local cycle_key
      if own_start then
        local y, m, dd = tonumber(string.sub(day, 1, 4)), tonumber(string.sub(day, 5, 6)), tonumber(string.sub(day, 7, 8))
        cycle_key = base .. ':c:' .. cycle_start(y, m, dd, cycle_anchor(own_start, default_anchor))
      else
        cycle_key = base .. ':c:' .. day_cycles[di]
      end
      local c = first_cycle
      while c <= nc and c_key[c] ~= cycle_key do c = c + 1 end
      if c > nc then
        nc = c
        c_key[c] = cycle_key
        c_add[c] = { t1, t2, t3, t4, t5, t6, t7, t8, t9 }
      else
        local acc = c_add[c]
        acc[1], acc[2], acc[3], acc[4], acc[5] = acc[1] + t1, acc[2] + t2, acc[3] + t3, acc[4] + t4, acc[5] + t5
        acc[6], acc[7], acc[8], acc[9] = acc[6] + t6, acc[7] + t7, acc[8] + t8, acc[9] + t9
      end
    end
  end
  if not dups then
    for c = first_cycle, nc do
      local old = redis.call('GET', c_key[c])
      check_packed(old, c_key[c], '')
      c_old[c] = old
    end
  end
  u_cycles[u] = nc
  u_resv[u] = i
  i = i + nresv
end
if dups then return dups end

-- Pass 2: every record is new; apply them.
local l, c = 0, 0
for u = 1, nusers do
  for _ = 1, u_days[u] do
    l = l + 1
    local dd_key, exists = l_dd[l], l_exists[l]
    call_list('SADD', dd_key, (not exists) and '' or nil, l_ids[l], 1, l_n[l])
    if not exists then
      redis.call('EXPIREAT', dd_key, math.max(l_end[l], now) + dedupe_ttl)
    elseif l_end[l] < now then
      -- A late record of a past day: remember it for the whole TTL from now on.
      redis.call('EXPIREAT', dd_key, now + dedupe_ttl, 'GT')
    end

    local key = l_key[l]
    if key then
      local hs = {}
      local sums, old, names, k = l_sums[l], l_old[l], l_names[l], l_k[l]
      for x = 1, k do
        local _, a1, a2, a3, a4, a5, a6, a7, a8, a9 = struct.unpack(COMBO, sums, 97 + (x - 1) * 80)
        local o = old[x + 1]
        if o then
          local b1, b2, b3, b4, b5, b6, b7, b8, b9 = struct.unpack(VALUES, o)
          a1, a2, a3, a4, a5, a6, a7, a8, a9 = a1 + b1, a2 + b2, a3 + b3, a4 + b4, a5 + b5, a6 + b6, a7 + b7,
            a8 + b8, a9 + b9
        end
        hs[2 * x - 1] = names[x]
        hs[2 * x] = struct.pack(VALUES, a1, a2, a3, a4, a5, a6, a7, a8, a9)
      end
      local h = 2 * k
      local expire_at = l_expire[l]
      if expire_at then
        hs[h + 1] = '_'
        hs[h + 2] = '1'
        h = h + 2
      end
      call_list('HSET', key, nil, hs, 1, h)
      if expire_at then redis.call('EXPIREAT', key, expire_at) end
    end
  end

  while c < u_cycles[u] do
    c = c + 1
    local a = c_add[c]
    local a1, a2, a3, a4, a5, a6, a7, a8, a9 = a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]
    local o = c_old[c]
    if o then
      local b1, b2, b3, b4, b5, b6, b7, b8, b9 = struct.unpack(VALUES, o)
      a1, a2, a3, a4, a5, a6, a7, a8, a9 = a1 + b1, a2 + b2, a3 + b3, a4 + b4, a5 + b5, a6 + b6, a7 + b7, a8 + b8,
        a9 + b9
    end
    redis.call('SET', c_key[c], struct.pack(VALUES, a1, a2, a3, a4, a5, a6, a7, a8, a9))
  end

  -- Released even for a duplicate (the caller keeps a dropped record's reservation): its usage counts either way.
  local nresv = u_nresv[u]
  if nresv > 0 then call_list('HDEL', u_base[u] .. ':resv', nil, ARGV, u_resv[u], u_resv[u] + nresv - 1) end
end

return { position, 0 }
