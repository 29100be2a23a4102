-- POST /api/v1/cases/ID/events: the action `noter` on existing cases, taken in turn from
-- the file BENCH_CASES (one id a line), each thread starting at another place.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")
local ids = {}
local next_index = 1
local headers = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN"),
                  ["Content-Type"] = "application/json" }
local body = '{"action": "noter", "note": "vu"}'

function init(args)
  for line in io.lines(os.getenv("BENCH_CASES")) do ids[#ids + 1] = line end
  next_index = math.random(#ids)
end

function request()
  next_index = next_index % #ids + 1
  return wrk.format("POST", "/api/v1/cases/" .. ids[next_index] .. "/events", headers, body)
end
