-- POST /api/v1/cases/ID/events: the action `noter` on existing cases, taken in turn from
-- the file BENCH_CASES (one id a line), each thread starting at another place.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")
local ids = {}
local next_index = 1
local headers = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN"),
                  ["Content-Type"] = "application/json" }
local body = '{"action": "noter", "note": "vu"}'

-- Each thread gets its own share of the cases: math.random, never seeded, gave both threads
-- the same start, so they fired at the same cases and waited on each other's row locks.
local threads = 0
function setup(thread)
  thread:set("share", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(os.getenv("BENCH_CASES")) do ids[#ids + 1] = line end
  next_index = (share or 0) * math.floor(#ids / 2) % #ids
end

function request()
  next_index = next_index % #ids + 1
  return wrk.format("POST", "/api/v1/cases/" .. ids[next_index] .. "/events", headers, body)
end
