-- A POST per request for wrk, with this run's cookies and CSRF token.
-- BENCH_BODY may hold {n} (unique per request, so comments are never duplicates) and
-- {choice} (cycles through BENCH_CHOICES, so votes spread over the choices).
-- BENCH_COOKIES (optional) lists several Cookie headers separated by "|": requests take
-- them in turn, so many members post at once as on a real site, not one member 400 times
-- a second. Otherwise every request sends BENCH_COOKIE.
-- BENCH_OK (a Lua pattern) must match the Location of a redirect that means "done": the
-- site answers a refused form POST with a redirect too (PRG), so a 302 alone proves
-- nothing. Anything else is counted and printed as "refused: N" for bench/run.py.
local path = os.getenv("BENCH_PATH")
local run = os.getenv("BENCH_RUN") or "" -- new for every wrk run: {n} never repeats an earlier run's
local template = os.getenv("BENCH_BODY")
local token = os.getenv("BENCH_CSRF")
local ok_pattern = os.getenv("BENCH_OK")
local cookies = {}
for c in string.gmatch(os.getenv("BENCH_COOKIES") or os.getenv("BENCH_COOKIE") or "", "[^|]+") do
  table.insert(cookies, c)
end
local choices = {}
for c in string.gmatch(os.getenv("BENCH_CHOICES") or "0", "[^,]+") do
  table.insert(choices, c)
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local counter = 0
refused = 0
function request()
  counter = counter + 1
  local unique = run .. "-" .. tostring(tid) .. "-" .. tostring(counter)
  local body = template:gsub("{n}", unique):gsub("{choice}", choices[(counter % #choices) + 1])
  -- Threads start at different members, so no two connections share one in lockstep.
  local cookie = cookies[((counter + tid * 7) % #cookies) + 1]
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["X-CSRFToken"] = token,
  }, body .. "&csrfmiddlewaretoken=" .. token)
end

if ok_pattern then
  function response(status, headers, body)
    local location = headers["Location"] or headers["location"] or ""
    if status < 300 or status >= 400 or not string.find(location, ok_pattern) then
      refused = refused + 1
    end
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (thread:get("refused") or 0)
  end
  io.write(string.format("refused: %d\n", total))
end
