"""Supervision reports over generated data: `stuck` and `escalations` through the API, one
request at a time, against a primary-key lookup on the same cases table."""
import http.client
import os
import time

from common import BENCH, OUT, Workflow, env_int, percentile, say, stop
import pgbench_ref

DATABASE = "bench_supervision"


def generate(cluster, binary, cases, history):
    cluster.create_database(DATABASE)
    workflow = Workflow(binary, cluster, DATABASE)
    workflow.prepare("bench-guichet.yaml")
    token = workflow.token("superviseur", "--agency", "mairie", "--roles", "agent", "--supervisor")
    say(f"supervision: generating {cases} cases and {history} history rows in SQL")
    started = time.monotonic()
    cluster.psql(DATABASE, None, file=os.path.join(BENCH, "sql", "supervision_data.sql"),
                 variables={"cases": cases, "per_case": max(1, history // cases)})
    seconds = time.monotonic() - started
    say(f"supervision: data generated in {seconds:.0f} s")
    return workflow, token, seconds


def latencies(base, token, path, count):
    """p50 and p95 (ms) of `count` GETs of `path` in a row on one keep-alive connection."""
    host, port = base.split("//")[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    headers = {"Authorization": "Bearer " + token}
    times = []
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
    return percentile(times, 50), percentile(times, 95)


def run(cluster, binary):
    cases = env_int("BENCH_SUPERVISION_CASES", 1_000_000)
    history = env_int("BENCH_SUPERVISION_HISTORY", 10_000_000)
    requests = env_int("BENCH_SUPERVISION_REQUESTS", 200)
    workflow, token, generation = generate(cluster, binary, cases, history)
    with open(os.path.join(OUT, "serve-supervision.log"), "w") as log:
        server, base = workflow.serve("--no-worker", log=log)
        try:
            latencies(base, token, "/api/v1/supervision/stuck", 5)  # warm-up: connections, plans, caches
            say(f"supervision: {requests} × GET /supervision/stuck, then /supervision/escalations")
            stuck = latencies(base, token, "/api/v1/supervision/stuck?limit=50", requests)
            escalations = latencies(base, token, "/api/v1/supervision/escalations", requests)
        finally:
            stop(server)
    reference = pgbench_ref.primary_key_lookup(cluster, DATABASE, cases, env_int("BENCH_PK_SECONDS", 5))
    return stuck, escalations, reference, generation
