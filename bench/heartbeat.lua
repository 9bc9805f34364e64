-- wrk script for bench/heartbeat.sh: heartbeats for random nodes bench-0 .. bench-(NODES-1)
local nodes = tonumber(os.getenv("NODES") or "10000")
local commit = os.getenv("COMMIT")
math.randomseed(os.time())
request = function()
  local i = math.random(0, nodes - 1)
  local body = '{"agent_version":"bench","code_version":"' .. commit .. '","hostname":"bench-' .. i ..
      '","roles":["web"],"state":"IDLE"}'
  return wrk.format("POST", "/api/nodes/bench-" .. i .. "/heartbeat",
      {["Authorization"] = "Bearer bench-token-" .. i, ["Content-Type"] = "application/json"}, body)
end
response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
