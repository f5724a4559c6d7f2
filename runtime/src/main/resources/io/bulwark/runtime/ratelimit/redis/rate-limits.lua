-- Bulwark rate limits: every limit of one call checked, and committed, in one atomic step.
-- Mirrors GcraCell, WindowCell and FailureCell of the in-memory engine; times are microseconds, kept in
-- doubles that stay exact below 2^53 (285 years).
--
-- ARGV[1]  'a' to acquire, 's' to settle
-- ARGV[2]  now, or '' to read Redis's own clock (TIME) so that every instance shares one clock
-- ARGV[3]  n, the number of limits; KEYS[1..n] are their keys
-- then six values per limit i, from ARGV[3 + 6 * (i - 1) + 1]:
--   acquire  'g', emission, capacity                         (GCRA)
--            'w', limit, window                              (sliding-window counter)
--            'f', limit, window, lockout, reservation ttl    (failures, with an attempt reserved)
--   settle   'f', limit, window, lockout, reservation id, outcome ('f' failed, 'r' reset, 'n' neither)
--
-- Acquire answers {1, remaining, id_1 .. id_n} when every limit admits (id_i: the reservation of a failures
-- limit, else 0), or {0, i, wait, reset, reason} for the limit that frees up last. Reasons: 1 rate,
-- 2 locked out, 3 failures fill the window, 4 attempts in flight (transient: not to be cached).
-- Settle answers {1}.

local IN_FLIGHT_WAIT = 1000000

local now
if ARGV[2] ~= '' then
    now = tonumber(ARGV[2])
else
    local t = redis.call('TIME')
    now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local n = tonumber(ARGV[3])

local function num(x)
    return string.format('%.0f', x)
end

local function ms(micros)
    return math.max(1, math.ceil(micros / 1000))
end

local function split(csv)
    local out = {}
    if csv then
        for v in string.gmatch(csv, '[^,]+') do
            out[#out + 1] = v
        end
    end
    return out
end

-- Failures inside the window and reservations not yet expired, oldest first.
local function failureState(key, now, window)
    local v = redis.call('HMGET', key, 'l', 'f', 'r')
    local fails = {}
    for _, t in ipairs(split(v[2])) do
        if tonumber(t) > now - window then
            fails[#fails + 1] = t
        end
    end
    local reservations = {}
    for _, r in ipairs(split(v[3])) do
        local sep = string.find(r, ':', 1, true)
        if tonumber(string.sub(r, sep + 1)) > now then
            reservations[#reservations + 1] = r
        end
    end
    return tonumber(v[1]) or 0, fails, reservations
end

local function saveFailures(key, now, window, lockedUntil, fails, reservations)
    local expiry = lockedUntil
    if #fails > 0 then
        expiry = math.max(expiry, tonumber(fails[#fails]) + window)
    end
    for _, r in ipairs(reservations) do
        expiry = math.max(expiry, tonumber(string.sub(r, string.find(r, ':', 1, true) + 1)))
    end
    if expiry <= now then
        redis.call('DEL', key)
        return
    end
    redis.call('HSET', key, 'l', num(lockedUntil), 'f', table.concat(fails, ','), 'r', table.concat(reservations, ','))
    redis.call('PEXPIRE', key, ms(expiry - now))
end

local function gcra(key, emission, capacity)
    local tat = tonumber(redis.call('GET', key)) or now
    if tat < now then
        tat = now
    end
    local new = tat + emission
    local over = new - now - capacity
    if over > 0 then
        return {wait = over, reset = tat - now, reason = 1}
    end
    return {wait = 0, id = 0, remaining = math.floor((capacity - (new - now)) / emission),
        commit = function()
            redis.call('SET', key, num(new), 'PX', ms(new - now))
        end}
end

local function slidingWindow(key, limit, window)
    local v = redis.call('HMGET', key, 's', 'c', 'p')
    local start = now - math.fmod(now, window)
    local s, c, p = tonumber(v[1]), tonumber(v[2]) or 0, tonumber(v[3]) or 0
    if s ~= start then
        if s == start - window then p = c else p = 0 end
        c = 0
    end
    local elapsed = now - start
    local estimate = p * (window - elapsed) / window + c
    if estimate + 1 > limit then
        local wait
        if c + 1 > limit then
            wait = window - elapsed + math.max(0, math.ceil(window * (1 - (limit - 1) / c)))
        else
            wait = math.max(1, math.ceil(window * (1 - (limit - 1 - c) / p)) - elapsed)
        end
        local reset = 0
        if c > 0 then reset = start + 2 * window - now elseif p > 0 then reset = start + window - now end
        return {wait = wait, reset = reset, reason = 1}
    end
    return {wait = 0, id = 0, remaining = math.floor(limit - estimate - 1),
        commit = function()
            redis.call('HSET', key, 's', num(start), 'c', num(c + 1), 'p', num(p))
            redis.call('PEXPIRE', key, ms(start + 2 * window - now))
        end}
end

local function failures(key, limit, window, lockout, ttl)
    local lockedUntil, fails, reservations = failureState(key, now, window)
    if lockedUntil > now then
        return {wait = lockedUntil - now, reset = lockedUntil - now, reason = 2}
    end
    if #fails + #reservations >= limit then
        local wait, reason = IN_FLIGHT_WAIT, 4
        if #fails >= limit then
            wait, reason = tonumber(fails[1]) + window - now, 3
        end
        local reset = wait
        if #fails > 0 then reset = tonumber(fails[#fails]) + window - now end
        return {wait = wait, reset = reset, reason = reason}
    end
    local result = {wait = 0, remaining = limit - #fails - #reservations - 1}
    result.commit = function()
        local id = redis.call('HINCRBY', key, 'q', 1)
        reservations[#reservations + 1] = id .. ':' .. num(now + ttl)
        saveFailures(key, now, window, lockedUntil, fails, reservations)
        result.id = id
    end
    return result
end

local function arg(i, j)
    return ARGV[3 + 6 * (i - 1) + j]
end

if ARGV[1] == 's' then
    for i = 1, n do
        local key, limit, window, lockout = KEYS[i], tonumber(arg(i, 2)), tonumber(arg(i, 3)), tonumber(arg(i, 4))
        local id, outcome = arg(i, 5), arg(i, 6)
        local lockedUntil, fails, reservations = failureState(key, now, window)
        for j, r in ipairs(reservations) do
            if string.sub(r, 1, #id + 1) == id .. ':' then
                table.remove(reservations, j)
                break
            end
        end
        if outcome == 'f' then
            fails[#fails + 1] = num(now)
            if #fails >= limit and lockout > 0 then
                lockedUntil = now + lockout
                fails = {}
            end
        elseif outcome == 'r' then
            fails = {}
        end
        saveFailures(key, now, window, lockedUntil, fails, reservations)
    end
    return {1}
end

local results = {}
local worst = 0
for i = 1, n do
    local kind = arg(i, 1)
    local r
    if kind == 'g' then
        r = gcra(KEYS[i], tonumber(arg(i, 2)), tonumber(arg(i, 3)))
    elseif kind == 'w' then
        r = slidingWindow(KEYS[i], tonumber(arg(i, 2)), tonumber(arg(i, 3)))
    elseif kind == 'f' then
        r = failures(KEYS[i], tonumber(arg(i, 2)), tonumber(arg(i, 3)), tonumber(arg(i, 4)), tonumber(arg(i, 5)))
    else
        return redis.error_reply('bulwark: unknown limit kind ' .. tostring(kind))
    end
    results[i] = r
    if r.wait > 0 and (worst == 0 or r.wait > results[worst].wait) then
        worst = i
    end
end
if worst > 0 then
    local r = results[worst]
    return {0, worst, r.wait, r.reset, r.reason}
end
local out = {1, 0}
for i = 1, n do
    local r = results[i]
    r.commit()
    out[i + 2] = r.id
    if i == 1 or r.remaining < out[2] then
        out[2] = r.remaining
    end
end
return out
