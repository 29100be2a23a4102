-- POST /api/v1/cases: a bench-guichet case at the counter, with the agent's token.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")
wrk.method = "POST"
wrk.path = "/api/v1/cases"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"workflow": "bench-guichet", "data": {"nom": "Durand"}}'
