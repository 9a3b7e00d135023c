-- Date helpers shared by the scripts: lua.ts prepends this file to every script that names it in its header
-- ("Uses: lib-dates.lua"), so the scripts and src/cycle.ts compute the same days and billing cycles.
-- All dates are UTC. Day numbers are days since 1970-01-01.
-- Algorithms: http://howardhinnant.github.io/date_algorithms.html (days_from_civil / civil_from_days).

local function days_in_month(y, m)
  if m == 2 then
    if (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0 then return 29 end
    return 28
  end
  if m == 4 or m == 6 or m == 9 or m == 11 then return 30 end
  return 31
end

local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = math.floor((153 * mp + 2) / 5) + d - 1
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end

local function civil_from_days(z)
  z = z + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return y, m, d
end

-- 'YYYYMMDD' of the first day of the billing cycle that contains y-m-d, for cycles starting on day `anchor` of
-- each month (clamped to the month's length: anchor 31 starts February's cycle on the 28th or 29th).
local function cycle_start(y, m, d, anchor)
  local a = math.min(anchor, days_in_month(y, m))
  if d < a then
    m = m - 1
    if m == 0 then
      m = 12
      y = y - 1
    end
    a = math.min(anchor, days_in_month(y, m))
  end
  return string.format('%04d%02d%02d', y, m, a)
end

-- The cycle anchor of a user: the day of their own cycle start date ('YYYY-MM-DD' in their cfg hash), else the default.
local function cycle_anchor(cycle_start_date, default_anchor)
  if cycle_start_date then
    local day = tonumber(string.sub(cycle_start_date, 9, 10))
    if day then return day end
  end
  return default_anchor
end
