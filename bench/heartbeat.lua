-- wrk script for bench/heartbeat.sh and bench/new-commit.sh: heartbeats for random nodes bench-0 .. bench-(NODES-1).
-- Every node reports COMMIT, or with VERSIONS_FILE (lines "position TAB commit") node i reports the commit on line
-- (i % lines) + 1; DELAY_MS between a connection's requests (default 0: as fast as the server answers)
local nodes = tonumber(os.getenv("NODES") or "10000")
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")
local versions = {}
if os.getenv("VERSIONS_FILE") then
  for line in io.lines(os.getenv("VERSIONS_FILE")) do
    versions[#versions + 1] = line:match("%x+$")
  end
else
  versions[1] = os.getenv("COMMIT")
end
math.randomseed(os.time())
request = function()
  local i = math.random(0, nodes - 1)
  local body = '{"agent_version":"bench","code_version":"' .. versions[(i % #versions) + 1] ..
      '","hostname":"bench-' .. i .. '","roles":["web"],"state":"IDLE"}'
  return wrk.format("POST", "/api/nodes/bench-" .. i .. "/heartbeat",
      {["Authorization"] = "Bearer bench-token-" .. i, ["Content-Type"] = "application/json"}, body)
end
if delay_ms > 0 then
  delay = function()
    return delay_ms
  end
end
response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
