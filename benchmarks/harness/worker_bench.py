"""The worker draining due timers: N cases of bench-chaine, five due `after` timers each."""
import json
import os
import time

from common import OUT, RSSSampler, Workflow, env_int, memory_kib, say, stop

TEMPLATE = "bench_chaine_tpl"


def clone_sql(cluster, database, table, seed, count):
    """INSERT … SELECT that copies the seed case's rows of `table` to `count` - 1 new cases
    (ids in clone_ids), each row with a new id unless the id is an identity."""
    columns = cluster.psql(database, f"""SELECT string_agg(column_name, ',' ORDER BY ordinal_position)
        FROM information_schema.columns WHERE table_name = '{table}' AND is_identity = 'NO'""").split(",")
    key = "id" if table == "cases" else "case_id"
    values = []
    for column in columns:
        if column == key:
            values.append("i.id")
        elif column == "id":
            values.append("gen_random_uuid()")
        else:
            values.append(f"r.{column}")
    return (f"INSERT INTO {table} ({','.join(columns)}) SELECT {','.join(values)} "
            f"FROM {table} r, clone_ids i WHERE r.{key} = '{seed}'")


def make_template(cluster, binary, cases):
    """A database with `cases` cases of bench-chaine just created: the engine creates one,
    SQL copies it (its history row and its due timer) in one transaction."""
    cluster.create_database(TEMPLATE)
    workflow = Workflow(binary, cluster, TEMPLATE)
    workflow.prepare("bench-chaine.yaml")
    seed = json.loads(workflow.run("cases", "create", "bench-chaine", "--json"))["id"]
    started = time.monotonic()
    statements = ["BEGIN",
                  f"CREATE TEMP TABLE clone_ids ON COMMIT DROP AS SELECT gen_random_uuid() AS id FROM generate_series(2, {cases})"]
    statements += [clone_sql(cluster, TEMPLATE, table, seed, cases) for table in ("cases", "case_history", "timers")]
    statements += ["COMMIT", "VACUUM ANALYZE"]
    path = os.path.join(OUT, "clone_cases.sql")
    with open(path, "w") as f:
        f.write(";\n".join(statements) + ";\n")
    cluster.psql(TEMPLATE, None, file=path)
    say(f"{cases} cases of bench-chaine made in {time.monotonic() - started:.1f} s")


def drain(cluster, binary, workers, cases, batch, loops=1):
    """Runs `workers` worker processes (each with `loops` claim loops) on a fresh copy of the
    template until no timer is left; returns transitions/s (database clock, first to last
    timer applied), the first worker's peak RSS and its RSS samples."""
    database = f"bench_chaine_{workers}w{loops}l"
    cluster.create_database(database, template=TEMPLATE)
    workflow = Workflow(binary, cluster, database)
    expected = cases * 5
    logs = [open(os.path.join(OUT, f"worker-{workers}w{loops}l-{n}.log"), "w") for n in range(workers)]
    processes = [workflow.start("worker", "--batch-size", str(batch), "--poll-interval", "1", "--log-level", "warning",
                                "--concurrency", str(loops), log=log) for log in logs]
    done = {"applied": 0}
    sampler = RSSSampler(processes[0].pid, lambda: done["applied"])
    sampler.start()
    deadline = time.monotonic() + env_int("BENCH_WORKER_TIMEOUT", 600)
    peak = None
    # Progress is read cheaply: the timers left (a small table) every half second, the
    # history's count (over 100,000 rows, which would load the server it measures) every 4 s.
    polls = 0
    try:
        while time.monotonic() < deadline:
            time.sleep(0.5)
            polls += 1
            left = int(cluster.psql(database, "SELECT count(*) FROM timers"))
            if polls % 8 == 0 or left == 0:
                done["applied"] = int(cluster.psql(database, "SELECT count(*) FROM case_history WHERE event = 'timer'"))
            peak = memory_kib(processes[0].pid, "VmHWM") or peak
            if left == 0:
                break
    finally:
        samples = sampler.finish()
        for process in processes:
            stop(process)
        for log in logs:
            log.close()
    count, seconds = cluster.psql(database, """SELECT count(*), extract(epoch FROM max(at) - min(at))
        FROM case_history WHERE event = 'timer'""").split("|")
    count, seconds = int(count), float(seconds)
    if count < expected:
        say(f"only {count} of {expected} transitions applied before the timeout")
    return count / seconds, peak, samples
