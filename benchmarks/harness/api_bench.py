"""The API under wrk: 16 keep-alive connections creating cases, firing actions, and GET /health."""
import json
import os
import subprocess

from common import BENCH, OUT, env_int, say

CONNECTIONS = 16


def wrk(base, script, seconds, **env):
    """Runs wrk with one of benchmarks/wrk/*.lua; returns (requests/s, p50 ms, p99 ms, non-2xx, errors)."""
    environment = dict(os.environ, BENCH_WRK_DIR=os.path.join(BENCH, "wrk"), **env)
    output = subprocess.run(["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--timeout", "10s",
                             "-s", os.path.join(BENCH, "wrk", script), base], env=environment,
                            check=True, capture_output=True, text=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    rate = figures["requests"] / (figures["duration_us"] / 1e6)
    if figures["non_2xx"] or figures["socket_errors"]:
        say(f"{script}: {figures['non_2xx']} answers other than 2xx, {figures['socket_errors']} socket errors")
    return rate, figures["p50_us"] / 1000, figures["p99_us"] / 1000, figures["non_2xx"], figures["socket_errors"]


def run(cluster, database, base, token):
    """Health, then creations, then actions on the cases just created; returns each one's figures."""
    seconds = env_int("BENCH_API_SECONDS", 15)
    say(f"API: GET /health, {CONNECTIONS} connections, {seconds} s")
    health = wrk(base, "health.lua", seconds)
    say(f"API: POST /cases, {CONNECTIONS} connections, {seconds} s")
    create = wrk(base, "create.lua", seconds, BENCH_TOKEN=token)
    # A database in service has its statistics: autovacuum analyzes new tables within a minute
    # or so, which re-plans the statements prepared while the tables were nearly empty (they
    # would otherwise scan what has since grown). The run is shorter than that: analyze here.
    cluster.psql(database, "ANALYZE")
    ids = os.path.join(OUT, "case_ids.txt")
    with open(ids, "w") as f:
        f.write(cluster.psql(database, "SELECT id FROM cases WHERE workflow_id = 'bench-guichet' LIMIT 20000") + "\n")
    say(f"API: POST /cases/ID/events, {CONNECTIONS} connections, {seconds} s")
    actions = wrk(base, "actions.lua", seconds, BENCH_TOKEN=token, BENCH_CASES=ids)
    return health, create, actions
