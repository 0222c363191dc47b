-- A POST per request for wrk, with this run's cookies and CSRF token.
-- BENCH_BODY may hold {n} (unique per request, so comments are never duplicates) and
-- {choice} (cycles through BENCH_CHOICES, so votes spread over the choices).
local path = os.getenv("BENCH_PATH")
local template = os.getenv("BENCH_BODY")
local cookie = os.getenv("BENCH_COOKIE")
local token = os.getenv("BENCH_CSRF")
local choices = {}
for c in string.gmatch(os.getenv("BENCH_CHOICES") or "0", "[^,]+") do
  table.insert(choices, c)
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local counter = 0
function request()
  counter = counter + 1
  local unique = tostring(tid) .. "-" .. tostring(counter) .. "-" .. tostring(os.time())
  local body = template:gsub("{n}", unique):gsub("{choice}", choices[(counter % #choices) + 1])
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["X-CSRFToken"] = token,
  }, body .. "&csrfmiddlewaretoken=" .. token)
end
