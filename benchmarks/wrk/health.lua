-- GET /health: the HTTP floor (routing, one small query), without a token.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")
wrk.path = "/health"
