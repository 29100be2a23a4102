"""Timer wake-up: bench-delai cases created at a steady rate, each due 2 s later; the lag is
from that due moment to the worker's change, read from the history (database clock)."""
import http.client
import json
import time

from common import env_int, say


def run(cluster, database, base, token, poll_interval):
    rate = env_int("BENCH_LAG_RATE", 20)
    seconds = env_int("BENCH_LAG_SECONDS", 20)
    say(f"timer wake-up: {rate} cases/s for {seconds} s, each due 2 s after creation")
    host, port = base.split("//")[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    body = json.dumps({"workflow": "bench-delai", "data": {}})
    start = time.monotonic()
    for n in range(rate * seconds):
        delay = start + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        connection.request("POST", "/api/v1/cases", body, headers)
        response = connection.getresponse()
        response.read()
        if response.status != 201:
            raise RuntimeError(f"creating a bench-delai case answered {response.status}")
    # Every timer is due 2 s after its case; the worker sleeps at most one poll interval.
    count = rate * seconds
    deadline = time.monotonic() + 2 + poll_interval * 2 + 10
    while time.monotonic() < deadline:
        closed = int(cluster.psql(database, "SELECT count(*) FROM cases WHERE workflow_id = 'bench-delai' AND status = 'closed'"))
        if closed >= count:
            break
        time.sleep(0.5)
    p50, p99, applied = cluster.psql(database, """
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag), percentile_cont(0.99) WITHIN GROUP (ORDER BY lag), count(*)
        FROM (SELECT extract(epoch FROM h.at - (c.created_at + interval '2 seconds')) * 1000 AS lag
              FROM cases c JOIN case_history h ON h.case_id = c.id AND h.event = 'timer'
              WHERE c.workflow_id = 'bench-delai') x""").split("|")
    if int(applied) < count:
        say(f"only {applied} of {count} timers applied")
    return float(p50), float(p99)
