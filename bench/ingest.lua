-- ingest.lua - wrk script: POST /api/v1/screenings in batches of 100
-- records, each a visited household with its members' temperatures, with
-- fresh UUIDs: time-ordered (version 7) as the app makes them
-- (web/js/outbox.js), or random (version 4) with FK_BENCH_UUID=v4.
-- Households come from $FK_BENCH_HOUSEHOLDS (lines
-- "household_id grid first_person size"); the token from $FK_BENCH_TOKEN.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } fk_timeval;
int gettimeofday(fk_timeval *tv, void *tz);
]]
local tv = ffi.new("fk_timeval")
local v4 = os.getenv("FK_BENCH_UUID") == "v4"
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

-- version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits
local function uuid7()
  ffi.C.gettimeofday(tv, nil)
  local ms = tonumber(tv.tv_sec) * 1000 + math.floor(tonumber(tv.tv_usec) / 1000)
  return string.format("%08x-%04x-7%03x-%x%03x-%06x%06x", math.floor(ms / 65536), ms % 65536,
    math.random(0, 0xfff), math.random(8, 11), math.random(0, 0xfff), math.random(0, 0xffffff),
    math.random(0, 0xffffff))
end

local function uuid()
  if not v4 then return uuid7() end
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
