"""The database's own limit on this cluster: pgbench TPC-B, and a plain primary-key lookup."""
import os
import subprocess
import tempfile

from common import OUT, env_int, percentile, say


def tpcb(cluster):
    """TPC-B transactions per second, 8 clients, on a database of its own (scale 10)."""
    cluster.create_database("bench_pgbench")
    env = cluster.pgbench_env()
    scale = env_int("BENCH_PGBENCH_SCALE", 10)
    seconds = env_int("BENCH_PGBENCH_SECONDS", 20)
    subprocess.run(["pgbench", "-i", "-q", "-s", str(scale), "bench_pgbench"], env=env, check=True,
                   capture_output=True)
    say(f"pgbench TPC-B, 8 clients, {seconds} s")
    output = subprocess.run(["pgbench", "-c", "8", "-j", "2", "-T", str(seconds), "bench_pgbench"], env=env,
                            check=True, capture_output=True, text=True).stdout
    tps = next(float(line.split("=")[1].split()[0]) for line in output.splitlines() if line.startswith("tps ="))
    return round(tps, 1)


def primary_key_lookup(cluster, database, cases, seconds):
    """p50 and p95 (ms) of `SELECT * FROM cases WHERE id = …` over random generated cases, 1 client."""
    script = os.path.join(OUT, "pk_lookup.sql")
    with open(script, "w") as f:
        f.write(f"\\set n random(1, {cases})\n"
                "SELECT * FROM cases WHERE id = md5('c' || :n)::uuid;\n")
    with tempfile.TemporaryDirectory(dir=OUT) as logs:
        subprocess.run(["pgbench", "-n", "-c", "1", "-T", str(seconds), "-M", "prepared", "-f", script,
                        "-l", "--log-prefix", os.path.join(logs, "pk"), database],
                       env=cluster.pgbench_env(), check=True, capture_output=True)
        latencies = []
        for name in os.listdir(logs):
            with open(os.path.join(logs, name)) as log:
                latencies += [int(line.split()[2]) / 1000 for line in log if line.strip()]
    return percentile(latencies, 50), percentile(latencies, 95)
