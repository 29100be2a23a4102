"""make bench: every workload on one throwaway cluster, each figure beside its reference
measured in the same run; prints a table and writes .build/bench/results.json.
Usage: main.py WORKFLOW_BINARY DATABASE_URL (see benchmarks/bench.sh). Asserts nothing."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import OUT, Cluster, Results, Workflow, env_int, memory_kib, rounded, say, stop  # noqa: E402
import api_bench  # noqa: E402
import lag_bench  # noqa: E402
import pgbench_ref  # noqa: E402
import supervision_bench  # noqa: E402
import sql_limit  # noqa: E402
import worker_bench  # noqa: E402

POLL_INTERVAL = 5  # the worker's default, which serve's worker uses here


def mib(kib):
    return None if kib is None else round(kib / 1024, 1)


def worker_workloads(cluster, binary, results, tps):
    cases = env_int("BENCH_WORKER_CASES", 20_000)
    batch = env_int("BENCH_WORKER_BATCH", 100)
    worker_bench.make_template(cluster, binary, cases)
    reference = "pgbench TPC-B tps, 8 clients"
    # The same writes in pure SQL, 1 and 2 connections: the limit of the worker's own work.
    limits = {}
    for connections in (1, 2):
        limits[connections] = sql_limit.run(cluster, worker_bench.TEMPLATE, connections)
        results.add(f"sql_limit_{connections}_connection" + ("s" if connections > 1 else ""), round(limits[connections], 1),
                    "transitions/s", reference, tps)
    for workers in (1, 2):
        say(f"worker: {cases} cases × 5 due timers, {workers} worker(s), batch {batch}")
        rate, peak, samples = worker_bench.drain(cluster, binary, workers, cases, batch)
        name = f"auto_transitions_{workers}_worker" + ("s" if workers > 1 else "")
        results.add(name, round(rate, 1), "transitions/s", reference, tps, cases=cases, batch_size=batch)
        results.add(f"{name}_of_sql_limit", round(rate, 1), "transitions/s", f"pure-SQL limit, {workers} connection(s)",
                    round(limits[workers], 1))
        if workers == 1:
            results.add("memory_worker_peak_rss", mib(peak), "MiB", samples=len(samples))
            # Flat memory: resident size at the end against after the first fifth of the work.
            total = cases * 5
            early = next((kib for done, kib in samples if done >= total / 5), None)
            late = samples[-1][1] if samples else None
            results.add("memory_worker_rss_growth", mib(late), "MiB at the end",
                        "resident MiB after the first fifth of the transitions", mib(early))
    # One process with two claim loops (`--concurrency 2`): two batches in flight, two connections.
    say(f"worker: {cases} cases × 5 due timers, 1 worker with 2 claim loops, batch {batch}")
    rate, _, _ = worker_bench.drain(cluster, binary, 1, cases, batch, loops=2)
    results.add("auto_transitions_1_worker_2_loops", round(rate, 1), "transitions/s", reference, tps,
                cases=cases, batch_size=batch)
    results.add("auto_transitions_1_worker_2_loops_of_sql_limit", round(rate, 1), "transitions/s",
                "pure-SQL limit, 2 connection(s)", round(limits[2], 1))


def api_workloads(cluster, binary, results, tps):
    database = "bench_api"
    cluster.create_database(database)
    workflow = Workflow(binary, cluster, database)
    workflow.prepare("bench-guichet.yaml", "bench-delai.yaml")
    token = workflow.token("anne", "--agency", "mairie", "--roles", "agent")
    with open(os.path.join(OUT, "serve-api.log"), "w") as log:
        server, base = workflow.serve(log=log)
        try:
            health, create, actions = api_bench.run(cluster, database, base, token)
            peak = memory_kib(server.pid, "VmHWM")
            lag = lag_bench.run(cluster, database, base, token, POLL_INTERVAL)
        finally:
            stop(server)
    floor = "GET /health, 16 connections (requests/s)"
    results.add("api_health", round(health[0], 1), "requests/s", "pgbench TPC-B tps, 8 clients", tps,
                p50_ms=rounded(health[1], 2), p99_ms=rounded(health[2], 2), non_2xx=health[3])
    for name, unit, figures in (("api_create_cases", "cases/s", create), ("api_actions", "events/s", actions)):
        results.add(name, round(figures[0], 1), unit, floor, round(health[0], 1),
                    p50_ms=rounded(figures[1], 2), p99_ms=rounded(figures[2], 2), non_2xx=figures[3],
                    socket_errors=figures[4], reference_p50_ms=rounded(health[1], 2),
                    reference_p99_ms=rounded(health[2], 2), pgbench_tps=tps)
    results.add("memory_serve_peak_rss", mib(peak), "MiB")
    results.add("timer_wakeup_lag", round(lag[1], 1), "ms (p99)", "the worker's poll interval (ms)",
                POLL_INTERVAL * 1000, p50_ms=round(lag[0], 1), p99_ms=round(lag[1], 1))


def supervision_workloads(cluster, binary, results):
    stuck, escalations, reference, generation = supervision_bench.run(cluster, binary)
    what = "primary-key lookup on cases, p95 ms (pgbench, 1 client)"
    for name, figures in (("supervision_stuck", stuck), ("supervision_escalations", escalations)):
        results.add(name, rounded(figures[1], 2), "ms (p95)", what, rounded(reference[1], 3),
                    p50_ms=rounded(figures[0], 2), p95_ms=rounded(figures[1], 2),
                    reference_p50_ms=rounded(reference[0], 3), generation_seconds=round(generation))


def print_table(entries):
    print()
    print(f"{'workload':<28} {'figure':>12} {'unit':<16} {'p50/p99 or p95':<18} {'reference':>12} {'ratio':>8}")
    for name, e in entries.items():
        low = e.get("p50_ms")
        high = e.get("p99_ms", e.get("p95_ms"))
        spread = f"{low} / {high} ms" if low is not None else ""
        reference = "" if e["reference_value"] is None else str(e["reference_value"])
        ratio = "" if e["ratio"] is None else f"{e['ratio']}x"
        print(f"{name:<28} {str(e['value']):>12} {e['unit']:<16} {spread:<18} {reference:>12} {ratio:>8}")
    print()
    for name, e in entries.items():
        if e["reference"]:
            print(f"  {name}: reference = {e['reference']}")


def main():
    binary, url = sys.argv[1], sys.argv[2]
    os.makedirs(OUT, exist_ok=True)
    cluster = Cluster(url)
    results = Results()
    started = time.monotonic()
    only = os.environ.get("BENCH_ONLY", "worker,api,supervision").split(",")
    say("pgbench TPC-B on this cluster, the reference of the worker and the API")
    tps = pgbench_ref.tpcb(cluster)
    results.add("pgbench_tpcb_8_clients", tps, "transactions/s")
    if "worker" in only:
        worker_workloads(cluster, binary, results, tps)
    if "api" in only:
        api_workloads(cluster, binary, results, tps)
    if "supervision" in only:
        supervision_workloads(cluster, binary, results)
    validate = os.path.join(OUT, "validate.json")
    if os.path.exists(validate):
        results.entries.update(json.load(open(validate)))
    results.save(os.path.join(OUT, "results.json"))
    print_table(results.entries)
    say(f"workloads took {time.monotonic() - started:.0f} s; figures in .build/bench/results.json")


if __name__ == "__main__":
    main()
