#!/usr/bin/env bash
# Fault injection against real processes (make chaos; a short run in .ci/run): the server
# and two workers under a steady load of case creations, reads and actions through the
# API, while this script SIGKILLs a worker, restarts PostgreSQL, drops the workers'
# listening connections, and lets queues run past their SLA. At the end it checks with
# SQL: no case lost, no timer or action applied twice, the owner invariant, every
# escalation with a reason and a context, and that the API answered only 2xx, 4xx or 503.
# Meanwhile two webhook endpoints receive every event (scripts/webhook-receiver.py, which
# checks signatures with the standardwebhooks package): the first answers 500s for a while,
# is down for a while, then slow; the second is down the whole run, so it is disabled
# after its window, then enabled at the end. Both must end with every event, in order per
# case, each validly signed; redeliveries (same webhook-id) are counted and reported.
#
# Usage: scripts/chaos.sh [SECONDS]   (default 60; DATABASE_URL must be the throwaway
# cluster of scripts/test-postgres.sh, which it restarts)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${WORKFLOW_BIN:-.build/debug/workflow}"
seconds="${1:-${CHAOS_SECONDS:-60}}"
[ -n "${DATABASE_URL:-}" ] || { echo "chaos: DATABASE_URL is not set (run through 'make chaos')" >&2; exit 1; }
[ "$(scripts/test-postgres.sh url 2>/dev/null || true)" = "$DATABASE_URL" ] \
    || { echo "chaos: DATABASE_URL must be the throwaway cluster of scripts/test-postgres.sh (it is restarted)" >&2; exit 1; }
python=$(scripts/ensure-python.sh standardwebhooks)
server_url=$DATABASE_URL
name="chaos_$$"
work=$(mktemp -d /tmp/parcours-chaos.XXXXXX)
pids=()
violations=0
say() { echo "chaos: $*" >&2; }
violation() { violations=$((violations + 1)); echo "VIOLATION: $*" >&2; }

cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    psql "$server_url" -XAtq -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

psql "$server_url" -XAtq -v ON_ERROR_STOP=1 -c "CREATE DATABASE $name" >/dev/null
DATABASE_URL=$(sed -E "s#(postgres(ql)?://[^/]*/)[^?]*#\1$name#" <<<"$server_url")
export DATABASE_URL
sql() { psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
"$bin" migrate >/dev/null
"$bin" publish Tests/WorkflowTests/Fixtures/worker/minuteur.yaml >/dev/null
token=$("$bin" agents add chaos --agency mairie --roles agent | sed -n 's/^token: //p')
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The mairie's systems: endpoint 1 (flaky), endpoint 2 (down until the end).
export PARCOURS_SECRETS_KEY_FILE=$work/secrets.key
receiver() { # NAME PORT: (re)starts a receiver; its pid in $receiver_pid
    "$python" scripts/webhook-receiver.py --port "$2" --secret-file "$work/$1.secret" --log "$work/$1.log" \
        --mode-file "$work/$1.mode" >>"$work/$1.out" 2>&1 &
    receiver_pid=$!
    pids+=("$receiver_pid")
}
hook_ports=()
hook_ids=()
for hook in flaky late; do
    hook_port=$(free_port)
    added=$("$bin" webhooks add --agency mairie "http://127.0.0.1:$hook_port/$hook" --allow-webhook-hosts 127.0.0.1 --json)
    python3 -c "import json,sys; print(json.load(sys.stdin)['secret'])" <<<"$added" >"$work/$hook.secret"
    hook_ids+=("$(python3 -c "import json,sys; print(json.load(sys.stdin)['id'])" <<<"$added")")
    hook_ports+=("$hook_port")
    echo ok >"$work/$hook.mode"
done
receiver flaky "${hook_ports[0]}"; flaky=$receiver_pid
# Short windows and timeouts so that a run of a minute sees every case of failure.
export PARCOURS_ALLOW_WEBHOOK_HOSTS=127.0.0.1 PARCOURS_WEBHOOK_TIMEOUT=3 PARCOURS_WEBHOOK_RETRY_DELAY=0.5 \
       PARCOURS_WEBHOOK_RETRY_WINDOW=$((seconds / 3 > 8 ? seconds / 3 : 8))

port=$(free_port)
"$bin" serve --port "$port" --no-worker --log-level error >"$work/serve.log" 2>&1 &
server=$!
pids+=("$server")
worker() { # NAME: a worker with a short lease, its pid in $worker_pid
    "$bin" worker --lease 4 --poll-interval 1 --batch-size 50 --log-level error >"$work/$1.log" 2>&1 &
    worker_pid=$!
    pids+=("$worker_pid")
}
worker a; worker_a=$worker_pid
worker b
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/v1/openapi.yaml" >/dev/null 2>&1 && break; sleep 0.2; done

# The load: four clients creating cases down every path of the test workflow, reading
# them, and accepting those that reach a queue; every status and created id is kept.
python3 - "$port" "$token" "$seconds" "$work" <<'EOF' &
import http.client, json, random, sys, threading, time
port, token, seconds, work = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
ways = ["sortie", "sortie", "sla", "calme", "attente", "manquant", "autre", "boucle"]
lock = threading.Lock()
statuses, created, accepted = {}, [], []
def client(seed):
    rng = random.Random(seed)
    connection = None
    end = time.time() + seconds
    mine = []
    while time.time() < end:
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
            roll = rng.random()
            if roll < 0.5 or not mine:
                body = json.dumps({"workflow": "minuteur", "data": {"voie": rng.choice(ways)}})
                connection.request("POST", "/api/v1/cases", body, headers)
            elif roll < 0.8:
                connection.request("GET", "/api/v1/cases/" + rng.choice(mine), headers=headers)
            else:
                case = rng.choice(mine)
                connection.request("POST", "/api/v1/cases/%s/events" % case, json.dumps({"action": "accepter"}), headers)
            response = connection.getresponse()
            payload = response.read()
            key = str(response.status)
            if response.status == 201:
                mine.append(json.loads(payload)["id"])
            if roll >= 0.8 and response.status == 200:
                with lock: accepted.append(case)
        except Exception as error:
            key = "connection:" + type(error).__name__
            connection = None
            time.sleep(0.2)
        with lock:
            statuses[key] = statuses.get(key, 0) + 1
    with lock: created.extend(mine)
threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
for thread in threads: thread.start()
for thread in threads: thread.join()
json.dump({"statuses": statuses, "created": created, "accepted": accepted}, open(work + "/load.json", "w"))
EOF
load=$!

# The faults, spread over the run.
step=$((seconds / 5))
sleep "$step"
say "webhook receiver 1 answers 500"
echo fail >"$work/flaky.mode"
sleep 3
echo ok >"$work/flaky.mode"
say "SIGKILL worker a (pid $worker_a)"
kill -9 "$worker_a"
sleep 2
worker a
sleep "$step"
say "webhook receiver 1 down"
kill -9 "$flaky"; wait "$flaky" 2>/dev/null || true
sleep 3
receiver flaky "${hook_ports[0]}"; flaky=$receiver_pid
say "restarting PostgreSQL"
scripts/test-postgres.sh restart 2>/dev/null
sleep "$step"
dropped=$(sql "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%'" 2>/dev/null || echo "?")
say "dropped $dropped listening connection(s); webhook receiver 1 slow"
echo "slow 1" >"$work/flaky.mode"
sleep "$step"
echo ok >"$work/flaky.mode"
say "queues past their SLA: $(sql "SELECT count(*) FROM tasks WHERE closed_at IS NULL AND sla_due_at < now()") open tasks overdue"
wait "$load"

# Let the workers drain what is due, then check.
for _ in $(seq 1 90); do
    [ "$(sql "SELECT count(*) FROM timers WHERE due_at < now() - interval '3 seconds'")" = 0 ] && break
    sleep 1
done
late=$(sql "SELECT count(*) FROM timers WHERE due_at < now() - interval '3 seconds'")
[ "$late" = 0 ] || violation "$late timers still overdue after the run"

python3 - "$work/load.json" > "$work/summary" <<'EOF'
import json, sys
load = json.load(open(sys.argv[1]))
print(" ".join("%s=%d" % kv for kv in sorted(load["statuses"].items())))
print("\n".join(load["created"]), file=open(sys.argv[1] + ".ids", "w"))
EOF
say "API answers: $(head -n 1 "$work/summary")"
bad=$(python3 -c "import json; s=json.load(open('$work/load.json'))['statuses']; print(sum(v for k, v in s.items() if not (k.startswith('2') or k.startswith('4') or k == '503')))")
[ "$bad" = 0 ] || violation "$bad answers were neither 2xx, 4xx nor 503"
# No case lost: every case the API said it created is in the database. A creation answered
# 503 (its deadline passed while PostgreSQL restarted) may still have committed: such extra
# cases are counted, and must be no more than the 503s.
created=$(grep -c . "$work/load.json.ids" || true)
found=$(sql "SELECT count(*) FROM cases")
ids=$(paste -sd, "$work/load.json.ids")
missing=$(sql "SELECT count(*) FROM unnest(string_to_array('$ids', ',')::uuid[]) AS i(id) WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = i.id)")
[ "$missing" = 0 ] || violation "$missing cases the API created are not in the database"
unavailable=$(python3 -c "import json; print(json.load(open('$work/load.json'))['statuses'].get('503', 0))")
[ $((found - created)) -le "$unavailable" ] || violation "the database has $((found - created)) cases more than the API created, with only $unavailable 503s"
say "cases created: $created answered 201, $((found - created)) more committed behind a 503"
twice=$(sql "SELECT count(*) FROM (SELECT case_id, context->>'timer' FROM case_history WHERE event = 'timer' GROUP BY 1, 2 HAVING count(*) > 1) x")
[ "$twice" = 0 ] || violation "$twice timers applied twice"
actions=$(sql "SELECT count(*) FROM (SELECT case_id, case_version FROM case_history WHERE event = 'action' GROUP BY 1, 2 HAVING count(*) > 1) x")
[ "$actions" = 0 ] || violation "$actions case versions with two actions"
ownerless=$(sql "SELECT count(*) FROM cases c WHERE c.status = 'open'
                   AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = c.id AND t.closed_at IS NULL)
                   AND NOT EXISTS (SELECT 1 FROM timers m WHERE m.case_id = c.id)")
[ "$ownerless" = 0 ] || violation "$ownerless open cases without an owner"
unexplained=$(sql "SELECT count(*) FROM tasks WHERE kind = 'escalation' AND (reason IS NULL OR context IS NULL)")
[ "$unexplained" = 0 ] || violation "$unexplained escalations without a reason or context"
say "cases: $found ($(sql "SELECT count(*) FROM cases WHERE status = 'closed'") closed, $(sql "SELECT count(*) FROM cases WHERE escalated") escalated); escalations by reason: $(sql "SELECT string_agg(reason || '=' || n, ' ') FROM (SELECT reason, count(*) n FROM tasks WHERE kind = 'escalation' GROUP BY 1 ORDER BY 1) x")"

# Webhooks: the late endpoint was disabled after its window; both are enabled (the flaky
# one may have been disabled too on a slow machine) and must end with every event.
late_status=$("$bin" webhooks list --json | python3 -c "import json,sys; print([e['status'] for e in json.load(sys.stdin) if e['id'] == ${hook_ids[1]}][0])")
[ "$late_status" = disabled ] || violation "the endpoint down for the whole run is $late_status, not disabled"
receiver late "${hook_ports[1]}"
for id in "${hook_ids[@]}"; do "$bin" webhooks enable "$id" >/dev/null; done
sql "SELECT id FROM case_events ORDER BY xact, seq" >"$work/outbox"
webhook_report() { # NAME: checks a receiver's log against the outbox; prints a summary, exits 1 on a violation
    "$python" - "$work/$1.log" "$work/outbox" <<'PY'
import json, sys, collections
outbox = open(sys.argv[2]).read().split()
acked, invalid, last, disorder = [], 0, {}, 0
count = collections.Counter()
try:
    lines = open(sys.argv[1]).read().splitlines()
except FileNotFoundError:
    lines = []
for line in lines:
    e = json.loads(line)
    if not e.get("valid"):
        invalid += 1
    if e.get("answered") == 204:
        count[e["id"]] += 1
        if count[e["id"]] == 1:
            acked.append(e["id"])
            if e["version"] < last.get(e["subject"], 0):
                disorder += 1
            last[e["subject"]] = e["version"]
missing = len(set(outbox) - set(acked))
order = acked[:len(outbox)] == outbox
print("%d of %d events, %d redelivered, %d invalid, %d out of order per case, outbox order %s"
      % (len(set(acked) & set(outbox)), len(outbox), sum(n - 1 for n in count.values()), invalid, disorder, "kept" if order else "NOT kept"))
sys.exit(0 if missing == 0 and invalid == 0 and disorder == 0 and order else 1)
PY
}
for hook in flaky late; do
    for _ in $(seq 1 120); do webhook_report "$hook" >/dev/null && break; sleep 1; done
    report=$(webhook_report "$hook") && say "webhooks to $hook: $report" || violation "webhooks to $hook: $report"
done

kill -0 "$server" 2>/dev/null || violation "the server died"

echo "chaos: $violations violation(s) in a ${seconds}s run"
[ "$violations" -eq 0 ]
