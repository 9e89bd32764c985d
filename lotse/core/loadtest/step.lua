-- One benchmark step for wrk: replays prepared requests and checks every response's status.
-- Arguments (after --): request file, expected status, "cycle" or "once", origin (http://host:port).
-- Request file lines: METHOD <TAB> PATH <TAB> COOKIE <TAB> BODY (BODY only for POST, form-encoded).
-- "once": every request is sent at most once (one-time form tokens); the thread stops when they are used up.
-- Connections that ask for more before the stop takes effect get a side-effect-free filler request whose
-- answer is not counted.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  requests, expected, cycle, origin = {}, tonumber(args[2]), args[3] == "cycle", args[4]
  filler = wrk.format("GET", "/bench/trivial-anonymous/", {["X-Bench-Filler"] = "1"}, nil)
  for line in io.lines(args[1]) do
    local method, path, cookie, body = line:match("^(%u+)\t([^\t]+)\t([^\t]*)\t?(.*)$")
    local headers = {["Cookie"] = cookie, ["Accept-Language"] = "de"}
    if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      headers["Origin"] = origin
    else
      body = nil
    end
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
  index, answered, mismatched, fillers, first_mismatch = 0, 0, 0, 0, ""
end

function request()
  index = index + 1
  if index > #requests then
    if cycle then
      index = 1
    else
      wrk.thread:stop()
      fillers = fillers + 1
      return filler
    end
  end
  return requests[index]
end

function response(status, headers, body)
  if not cycle and status == 200 and body == "ok" then
    return
  end
  answered = answered + 1
  if status ~= expected then
    mismatched = mismatched + 1
    if first_mismatch == "" then first_mismatch = tostring(status) .. " " .. (headers["Location"] or "") end
  end
  if not cycle and answered >= #requests then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local mismatches, filled, first = 0, 0, ""
  for _, thread in ipairs(threads) do
    mismatches = mismatches + thread:get("mismatched")
    filled = filled + thread:get("fillers")
    if first == "" then first = thread:get("first_mismatch") end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, "mismatched": %d, "fillers": %d, ' ..
    '"first_mismatch": "%s"}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout, mismatches, filled, first))
end
