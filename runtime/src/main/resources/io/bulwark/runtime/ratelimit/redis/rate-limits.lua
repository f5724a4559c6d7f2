-- Bulwark rate limits: every limit of one call checked, and committed, in one atomic step; several calls'
-- checks may share one script run (coalesced under load), each still decided on its own, in order.
-- Mirrors GcraCell, WindowCell and FailureCell of the in-memory engine; times are microseconds, kept in
-- doubles that stay exact below 2^53 (285 years).
--
-- ARGV[1]  now, or '' to read Redis's own clock (TIME) so that every instance shares one clock (production)
-- ARGV[2]  the number of checks
-- then, per check: its operation ('a' acquire, 's' settle, 'u' undo an acquire), its number of limits n, and per
-- limit its kind and the values of that kind (only those: every argument costs Redis a string to make);
-- KEYS holds the checks' keys one after the other, one per limit.
--   acquire  'g', emission, capacity                         (GCRA)
--            'w', limit, window                              (sliding-window counter)
--            'f', limit, window, lockout, reservation ttl, id  (failures, with an attempt reserved under a random id)
--   settle   'f', limit, window, lockout, reservation id, outcome ('f' failed, 'r' reset, 'n' neither)
--   undo     'g', emission | 'w', window, start | 'f', limit, window, lockout, reservation id, 'n'
--   extend   'f', limit, window, lockout, reservation ttl, id  (the call still runs: its reservation lives on)
--
-- A reservation that expires unsettled (its JVM died, or stopped extending it: the call was abandoned) counts as a
-- failure at its expiry, and a settle arriving after that counts nothing more.
--
-- Undo gives back what an admitted acquire took, when another limit of the same call, in another cluster slot (so
-- in another script run), refused it: the call is all-or-nothing across slots. GCRA: the theoretical arrival time
-- goes back by one emission, never below now (while the bucket had room to spare that is exact; a bucket that
-- refilled meanwhile has nothing to give back); window: the count of the window it was taken from drops by one;
-- failures: the reservation is removed, counting neither way.
--
-- The reply holds one answer per check. Acquire: {1, remaining, id_1 .. id_n} when every limit admits (id_i:
-- the reservation of a failures limit, the window's start of a sliding window, else 0; what an undo needs), or
-- {0, i, wait, reset, reason} for the limit that frees up
-- last. Reasons: 1 rate, 2 locked out, 3 failures fill the window, 4 attempts in flight (transient: not to be
-- cached). Settle: {1}.

local IN_FLIGHT_WAIT = 1000000

local now
-- A clock the caller supplies (tests) need not run at Redis's pace, while keys expire in Redis's real time: with
-- it, keys live at least an hour, so that a pause in a test never drops state its clock says is still there.
local minimumTtl = 1
if ARGV[1] ~= '' then
    now = tonumber(ARGV[1])
    minimumTtl = 3600000
else
    local t = redis.call('TIME')
    now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end

-- GCRA, the rule of GcraCell: from the stored theoretical arrival time, the new one and by how much it would
-- overshoot the capacity (refused when positive), and the current one (now at the earliest).
local function gcraStep(stored, emission, capacity)
    local tat = math.max(stored, now)
    local new = tat + emission
    return new, new - now - capacity, tat
end

-- A lone check against one GCRA limit, the whole run when a caller is alone: answered before anything else is
-- set up, since every closure and table a run creates is Redis time on the caller's round trip.
if ARGV[2] == '1' and ARGV[3] == 'a' and ARGV[4] == '1' and ARGV[5] == 'g' then
    local key, emission, capacity = KEYS[1], tonumber(ARGV[6]), tonumber(ARGV[7])
    local new, over, tat = gcraStep(tonumber(redis.call('GET', key)) or 0, emission, capacity)
    if over > 0 then
        return {{0, 1, over, tat - now, 1}}
    end
    redis.call('SET', key, string.format('%.0f', new), 'PX', math.max(minimumTtl, math.ceil((new - now) / 1000)))
    return {{1, math.floor((capacity - (new - now)) / emission), 0}}
end

local function num(x)
    return string.format('%.0f', x)
end

local function ms(micros)
    return math.max(minimumTtl, math.ceil(micros / 1000))
end

-- GCRA state of this run, by key: read with one MGET before the checks, written back once per key after them.
-- A hot key that comes back in one run costs one read and one write, not one of each per check, and every
-- redis.call saved is a marshalling saved. Decisions are the same as one check after another.
local tats = {}
local changed = {}

-- The number of values after the kind of a limit of operation op.
local function arity(op, kind)
    if kind == 'g' then
        return op == 'u' and 1 or 2
    end
    if kind == 'w' then
        return 2
    end
    return 5
end

-- Everything but a run's single-GCRA acquires, made on first use: closures cost Redis time on every run that
-- creates them, and most runs need none of these.
local lib
local function library()
    if lib then
        return lib
    end
    lib = {}

    local function split(csv)
        local out = {}
        if csv then
            for v in string.gmatch(csv, '[^,]+') do
                out[#out + 1] = v
            end
        end
        return out
    end

    -- The end of a lockout, failures inside the window (oldest first) and reservations not yet expired. A reservation
    -- that expired unsettled becomes a failure at its expiry, which may complete a lockout: the same answer every
    -- time for the same stored state, whether or not the caller saves it.
    local function failureState(key, limit, window, lockout)
        local v = redis.call('HMGET', key, 'l', 'f', 'r')
        local lockedUntil = tonumber(v[1]) or 0
        local all = split(v[2])
        local reservations = {}
        local expired = false
        for _, r in ipairs(split(v[3])) do
            local sep = string.find(r, ':', 1, true)
            local expiry = tonumber(string.sub(r, sep + 1))
            if expiry > now then
                reservations[#reservations + 1] = r
            else
                all[#all + 1] = num(expiry)
                expired = true
            end
        end
        if expired then
            table.sort(all, function(x, y) return tonumber(x) < tonumber(y) end)
        end
        local fails = {}
        for _, t in ipairs(all) do
            if tonumber(t) > now - window then
                fails[#fails + 1] = t
            end
        end
        if expired and lockout > 0 and #fails >= limit then
            lockedUntil = math.max(lockedUntil, tonumber(fails[#fails]) + lockout)
            fails = {}
        end
        return lockedUntil, fails, reservations
    end

    local function saveFailures(key, window, lockedUntil, fails, reservations)
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
        redis.call('HSET', key, 'l', num(lockedUntil), 'f', table.concat(fails, ','), 'r',
            table.concat(reservations, ','))
        redis.call('PEXPIRE', key, ms(expiry - now))
    end

    local function gcra(key, emission, capacity)
        local new, over, tat = gcraStep(tats[key], emission, capacity)
        if over > 0 then
            return {wait = over, reset = tat - now, reason = 1}
        end
        return {wait = 0, id = 0, remaining = math.floor((capacity - (new - now)) / emission),
            commit = function()
                tats[key] = new
                changed[key] = true
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
        return {wait = 0, id = start, remaining = math.floor(limit - estimate - 1),
            commit = function()
                redis.call('HSET', key, 's', num(start), 'c', num(c + 1), 'p', num(p))
                redis.call('PEXPIRE', key, ms(start + 2 * window - now))
            end}
    end

    local function failures(key, limit, window, lockout, ttl, id)
        local lockedUntil, fails, reservations = failureState(key, limit, window, lockout)
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
            reservations[#reservations + 1] = id .. ':' .. num(now + ttl)
            saveFailures(key, window, lockedUntil, fails, reservations)
            result.id = tonumber(id)
        end
        return result
    end

    local function findReservation(reservations, id)
        for j, r in ipairs(reservations) do
            if string.sub(r, 1, #id + 1) == id .. ':' then
                return j
            end
        end
        return nil
    end

    local function settleOne(key, limit, window, lockout, id, outcome)
        local lockedUntil, fails, reservations = failureState(key, limit, window, lockout)
        local j = findReservation(reservations, id)
        if j then
            table.remove(reservations, j)
        end
        -- Not found: it expired, and was counted as a failure then (or a reset removed it).
        if outcome == 'f' and j then
            fails[#fails + 1] = num(now)
            if #fails >= limit and lockout > 0 then
                lockedUntil = now + lockout
                fails = {}
            end
        elseif outcome == 'r' then
            fails = {}
        end
        saveFailures(key, window, lockedUntil, fails, reservations)
    end

    function lib.settle(k, a, n)
        for i = 1, n do
            settleOne(KEYS[k + i], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), ARGV[a + 4],
                ARGV[a + 5])
            a = a + 6
        end
        return {1}
    end

    function lib.extend(k, a, n)
        for i = 1, n do
            local key, limit, window, lockout = KEYS[k + i], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]),
                tonumber(ARGV[a + 3])
            local ttl, id = tonumber(ARGV[a + 4]), ARGV[a + 5]
            a = a + 6
            local lockedUntil, fails, reservations = failureState(key, limit, window, lockout)
            local j = findReservation(reservations, id)
            if j then
                reservations[j] = id .. ':' .. num(now + ttl)
                saveFailures(key, window, lockedUntil, fails, reservations)
            end
        end
        return {1}
    end

    function lib.undo(k, a, n)
        for i = 1, n do
            local key, kind = KEYS[k + i], ARGV[a]
            if kind == 'g' then
                local tat = tats[key]
                if tat > now then
                    tats[key] = math.max(now, tat - tonumber(ARGV[a + 1]))
                    changed[key] = true
                end
            elseif kind == 'w' then
                local window, start = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
                local v = redis.call('HMGET', key, 's', 'c', 'p')
                local s = tonumber(v[1])
                if s == start and (tonumber(v[2]) or 0) > 0 then
                    redis.call('HINCRBY', key, 'c', -1)
                elseif s == start + window and (tonumber(v[3]) or 0) > 0 then
                    redis.call('HINCRBY', key, 'p', -1)
                end
            elseif kind == 'f' then
                settleOne(key, tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), ARGV[a + 4], 'n')
            else
                return nil
            end
            a = a + 1 + arity('u', kind)
        end
        return {1}
    end

    function lib.acquire(k, a, n)
        local results = {}
        local worst = 0
        for i = 1, n do
            local kind = ARGV[a]
            local r
            if kind == 'g' then
                r = gcra(KEYS[k + i], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]))
            elseif kind == 'w' then
                r = slidingWindow(KEYS[k + i], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]))
            elseif kind == 'f' then
                r = failures(KEYS[k + i], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]),
                    tonumber(ARGV[a + 4]), ARGV[a + 5])
            else
                return nil
            end
            a = a + 1 + arity('a', kind)
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
    end

    return lib
end

-- First pass: where each check starts, and every GCRA key, fetched at once.
local checks = tonumber(ARGV[2])
local starts = {}
local gcraKeys = {}
local k, a = 0, 3
for c = 1, checks do
    local op, n = ARGV[a], tonumber(ARGV[a + 1])
    if n == nil or (op ~= 'a' and op ~= 's' and op ~= 'u' and op ~= 'x') then
        return redis.error_reply('bulwark: malformed check ' .. c)
    end
    starts[c] = a
    a = a + 2
    for i = 1, n do
        local kind = ARGV[a]
        local key = KEYS[k + i]
        if kind == 'g' and (op == 'a' or op == 'u') and tats[key] == nil then
            gcraKeys[#gcraKeys + 1] = key
            tats[key] = 0
        end
        a = a + 1 + arity(op, kind)
    end
    k = k + n
end
if #gcraKeys > 0 then
    local values = redis.call('MGET', unpack(gcraKeys))
    for i, key in ipairs(gcraKeys) do
        tats[key] = tonumber(values[i]) or 0
    end
end

local answers = {}
k = 0
for c = 1, checks do
    local a = starts[c]
    local op, n = ARGV[a], tonumber(ARGV[a + 1])
    local answer
    if op == 'a' and n == 1 and ARGV[a + 2] == 'g' then
        -- The common case, one GCRA limit, inline: no closure, no table but the answer.
        local key, emission, capacity = KEYS[k + 1], tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
        local new, over, tat = gcraStep(tats[key], emission, capacity)
        if over > 0 then
            answer = {0, 1, over, tat - now, 1}
        else
            tats[key] = new
            changed[key] = true
            answer = {1, math.floor((capacity - (new - now)) / emission), 0}
        end
    elseif op == 'a' then
        answer = library().acquire(k, a + 2, n)
    elseif op == 'u' then
        answer = library().undo(k, a + 2, n)
    elseif op == 'x' then
        answer = library().extend(k, a + 2, n)
    else
        answer = library().settle(k, a + 2, n)
    end
    if answer == nil then
        return redis.error_reply('bulwark: malformed check ' .. c)
    end
    answers[c] = answer
    k = k + n
end
for key in pairs(changed) do
    local tat = tats[key]
    redis.call('SET', key, num(tat), 'PX', ms(tat - now))
end
return answers
