-- ingest.lua - wrk script: POST /api/v1/screenings in batches of 100
-- records, each a visited household with its members' temperatures, with
-- fresh UUIDs.  Households come from $FK_BENCH_HOUSEHOLDS (lines
-- "household_id grid first_person size"); the token from $FK_BENCH_TOKEN.
local households = {}
local counter = 0
local thread_tag = 0

function setup(thread)
  thread_tag = thread_tag + 1
  thread:set("tag", thread_tag)
end

function init(args)
  for line in io.lines(os.getenv("FK_BENCH_HOUSEHOLDS")) do
    local id, grid, first, size = line:match("(%d+) (%d+) (%d+) (%d+)")
    households[#households + 1] = { tonumber(id), tonumber(first), tonumber(size) }
  end
  math.randomseed(os.time() + (tag or 0) * 7919)
  counter = math.random(0, #households - 1)
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("FK_BENCH_TOKEN")
  wrk.headers["Content-Type"] = "application/json"
end

local function uuid()
  return string.format("%08x-%04x-4%03x-8%03x-%06x%06x", math.random(0, 0x7fffffff), math.random(0, 0xffff),
    math.random(0, 0xfff), math.random(0, 0xfff), math.random(0, 0xffffff), math.random(0, 0xffffff))
end

request = function()
  local parts = {}
  for i = 1, 100 do
    counter = counter + 1
    local h = households[(counter % #households) + 1]
    local persons = {}
    for k = 0, h[3] - 1 do
      persons[#persons + 1] = string.format('{"person_id":%d,"temperature":36.%d}', h[2] + k, math.random(0, 9))
    end
    parts[i] = string.format('{"uuid":"%s","household_id":%d,"status":"visited","persons":[%s]}',
      uuid(), h[1], table.concat(persons, ","))
  end
  return wrk.format("POST", "/api/v1/screenings", nil, "[" .. table.concat(parts, ",") .. "]")
end

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("ingest: HTTP " .. status .. " " .. body:sub(1, 200) .. "\n")
  end
end
