"""Where one worker's time goes while it drains bench-chaine: `perf record -a -g` over the
drain (both cores: the worker, PostgreSQL, idle) and pg_stat_statements for the server's
side. Usage: profile_worker.py WORKFLOW_BINARY DATABASE_URL (see benchmarks/profile-worker.sh).
Writes .build/profile/worker-profile.txt and prints it. Asserts nothing."""
import collections
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from common import Cluster, Workflow, env_int, say, stop  # noqa: E402
import worker_bench  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "..", ".build", "profile")


def drain_under_perf(cluster, binary, cases, batch, perf_data):
    """One worker drains a fresh copy of the template while perf samples every CPU."""
    database = "profile_chaine"
    cluster.create_database(database, template=worker_bench.TEMPLATE)
    cluster.psql(database, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    cluster.psql(database, "SELECT pg_stat_statements_reset()")
    workflow = Workflow(binary, cluster, database)
    perf = subprocess.Popen(["perf", "record", "-a", "-g", "-F", "499", "-o", perf_data],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)  # perf is sampling before the worker starts
    with open(os.path.join(OUT, "worker.log"), "w") as log:
        worker = workflow.start("worker", "--batch-size", str(batch), "--poll-interval", "1",
                                "--log-level", "warning", log=log)
        deadline = time.monotonic() + env_int("BENCH_WORKER_TIMEOUT", 600)
        try:
            while time.monotonic() < deadline:  # until no timer is left, read cheaply
                time.sleep(0.5)
                if cluster.psql(database, "SELECT count(*) FROM timers") == "0":
                    break
        finally:
            perf.send_signal(signal.SIGINT)
            perf.wait()
            stop(worker)
    count, seconds = cluster.psql(database, """SELECT count(*), extract(epoch FROM max(at) - min(at))
        FROM case_history WHERE event = 'timer'""").split("|")
    return database, worker.pid, int(count), float(seconds)


def samples_by_process(perf_data, worker_pid):
    """Share of all samples (both cores) for the worker, PostgreSQL, perf and idle."""
    script = subprocess.run(["perf", "script", "-i", perf_data, "-F", "pid,comm"], capture_output=True,
                            text=True).stdout
    shares = collections.Counter()
    for line in script.splitlines():
        parts = line.strip().rsplit(None, 1)  # the thread's name (may hold spaces), then the pid
        if len(parts) < 2 or not parts[1].isdigit():
            continue
        comm, pid = parts[0], int(parts[1])
        if pid == worker_pid:
            shares["the worker (workflow)"] += 1
        elif pid == 0:
            shares["idle"] += 1
        elif comm.startswith("postgres"):
            shares["PostgreSQL"] += 1
        else:
            shares["others on the machine (perf, psql, other work)"] += 1
    return shares


def top_symbols(perf_data, worker_pid, limit):
    """The worker's hottest functions, self time, as perf reports them."""
    report = subprocess.run(["perf", "report", "-i", perf_data, "--pid", str(worker_pid), "--no-children",
                             "--percentage", "relative", "--sort", "dso,sym", "-g", "none", "--percent-limit", "0.7", "--stdio"],
                            capture_output=True, text=True).stdout
    lines = [line.rstrip() for line in report.splitlines() if line.strip() and not line.startswith("#")]
    return lines[:limit]


def inclusive(perf_data, worker_pid, limit):
    """The worker's own functions with what they call (children), the Workflow module only."""
    report = subprocess.run(["perf", "report", "-i", perf_data, "--pid", str(worker_pid), "--children",
                             "--percentage", "relative", "--sort", "sym", "-g", "none", "--percent-limit", "2", "--stdio"],
                            capture_output=True, text=True).stdout
    rows = [line.rstrip() for line in report.splitlines()
            if "Workflow" in line and not line.startswith("#")]
    return rows[:limit]


def statements(cluster, database, limit):
    return cluster.psql(database, f"""SELECT to_char(total_exec_time, 'FM999990.0') || ' ms | ' || calls || ' calls | '
            || to_char(mean_exec_time, 'FM990.000') || ' ms | ' || rows || ' rows | '
            || regexp_replace(left(query, 110), '\\s+', ' ', 'g')
        FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT {limit}""")


def main():
    binary, url = sys.argv[1], sys.argv[2]
    os.makedirs(OUT, exist_ok=True)
    cluster = Cluster(url)
    cases = env_int("BENCH_WORKER_CASES", 20_000)
    batch = env_int("BENCH_WORKER_BATCH", 100)
    worker_bench.make_template(cluster, binary, cases)
    perf_data = os.path.join(OUT, "worker.perf")
    say(f"profile: one worker drains {cases} cases × 5 due timers under perf record -a -g")
    database, pid, count, seconds = drain_under_perf(cluster, binary, cases, batch, perf_data)
    shares = samples_by_process(perf_data, pid)
    total = sum(shares.values())
    lines = [f"one worker, {count} transitions in {seconds:.1f} s = {count / seconds:,.0f} transitions/s, batch {batch}",
             f"CPU samples on both cores ({total} samples; 100 % = both cores for the whole drain):"]
    lines += [f"  {100 * n / total:5.1f} %  {name}" for name, n in shares.most_common()]
    lines += ["", "the worker's hottest functions (self, % of the worker's samples):"]
    lines += ["  " + line for line in top_symbols(perf_data, pid, 25)]
    lines += ["", "the worker's own functions with what they call (% of the worker's samples):"]
    lines += ["  " + line for line in inclusive(perf_data, pid, 25)]
    lines += ["", "PostgreSQL, statements by total time (pg_stat_statements):"]
    lines += ["  " + line for line in statements(cluster, database, 12).splitlines()]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(OUT, "worker-profile.txt"), "w") as f:
        f.write(text)
    print(text)


main()
