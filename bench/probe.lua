-- probe.lua - wrk script: GET one read path ($FK_BENCH_PATH) with the
-- token, counting non-200 answers, for latency percentiles under load.
function init(args)
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("FK_BENCH_TOKEN")
end
request = function()
  return wrk.format("GET", os.getenv("FK_BENCH_PATH"))
end
response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("probe: HTTP " .. status .. " " .. body:sub(1, 200) .. "\n")
  end
end
