"""The limit the worker is measured against: the same writes as its transitions, in pure
SQL (benchmarks/sql/worker_transition.sql), run by pgbench on a copy of the worker's
cases, with 1 and 2 connections, on the same cluster in the same run."""
import os
import subprocess

from common import env_int, say

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "sql", "worker_transition.sql")


def run(cluster, template, connections):
    """Transitions per second of the pure-SQL batch with `connections` connections."""
    database = f"bench_sql_limit_{connections}c"
    cluster.create_database(database, template=template)
    seconds = env_int("BENCH_SQL_LIMIT_SECONDS", 15)
    say(f"pure-SQL limit: worker transitions in SQL, {connections} connection(s), {seconds} s")
    subprocess.run(["pgbench", "-n", "-c", str(connections), "-j", str(connections), "-T", str(seconds),
                    "-M", "prepared", "-f", os.path.abspath(SCRIPT), database],
                   env=cluster.pgbench_env(), check=True, capture_output=True, text=True)
    count, elapsed = cluster.psql(database, """SELECT count(*), extract(epoch FROM max(at) - min(at))
        FROM case_history WHERE event = 'timer' AND context ? 'timer' AND name = 'after' AND actor = 'engine'
          AND case_version > 1""").split("|")
    # Only the lines this run wrote (the template's cases are at version 1, with no timer line).
    return int(count) / max(float(elapsed), 0.001)
