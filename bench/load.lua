-- wrk script of bench/load.py: `wrk ... -s bench/load.lua URL -- CONFIG MODE`.
-- CONFIG is a Lua file load.py writes (a table of paths, claims, spans and tokens).
-- MODE "get" requests the URL's path; "mix" sends 25% writes (votes and annotations through the
-- API with a member's token) and reads of the hot paths otherwise. Either way `done` prints one
-- line of JSON that load.py reads.

local config, mode
local threads, seed = {}, 1

function setup(thread)
  thread:set("seed", seed)
  seed = seed + 1
  table.insert(threads, thread)
end

function init(args)
  config = dofile(args[1])
  mode = args[2]
  math.randomseed(os.time() * 100 + seed)
end

local function pick(list)
  return list[math.random(#list)]
end

local values = { "agree", "disagree", "unsure" }
local tags = { "claim", "evidence", "opinion" }

function request()
  if mode ~= "mix" then
    return wrk.format("GET", nil, config.headers)
  end
  local headers = { ["Authorization"] = "Token " .. pick(config.tokens) }
  local draw = math.random()
  if draw < 0.125 then
    headers["Content-Type"] = "application/json"
    local body = string.format('{"value": "%s"}', pick(values))
    return wrk.format("POST", "/api/claims/" .. pick(config.claims) .. "/vote/", headers, body)
  elseif draw < 0.25 then
    headers["Content-Type"] = "application/json"
    local span = pick(config.spans)
    local body = string.format('{"article": %d, "start": %d, "end": %d, "tag": "%s"}', span[1], span[2], span[3], pick(tags))
    return wrk.format("POST", "/api/annotations/", headers, body)
  end
  return wrk.format("GET", pick(config.reads), headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
