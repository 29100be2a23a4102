#!/usr/bin/env bash
# End-to-end checks of `workflow worker` as real processes against the PostgreSQL of
# DATABASE_URL (as `make test` sets it), each scenario on a database of its own:
#
#   1. a worker killed with SIGKILL in the middle of a batch of 1,000 due cases: another
#      worker finishes them after the lease, every timer applied exactly once;
#   2. PostgreSQL restarted under two running workers: they reconnect and finish, nothing
#      lost, nothing doubled, and SIGTERM stops them cleanly;
#   3. 200 retirement cases with mixed careers on a copy of the workflow whose deadlines
#      are seconds, two workers: every case ends final or escalated with a reason;
#   4. 100 cases of a legal clock of four seconds (a fifth suspended while documents are
#      awaited, then restarted): each clock warns once and expires once, on time, with its
#      history entries, and the case is decided by silence.
#
# After each: the owner invariant holds and no case's history shows a timer twice.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${WORKFLOW_BIN:-.build/debug/workflow}"
[ -n "${DATABASE_URL:-}" ] || { echo "check-worker: DATABASE_URL is not set (run through 'make test')" >&2; exit 1; }
server_url=$DATABASE_URL
work=$(mktemp -d /tmp/parcours-check-worker.XXXXXX)
pids=()
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
say() { echo "check-worker: $*" >&2; }

databases=()
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    for name in "${databases[@]}"; do
        psql "$server_url" -XAtq -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

sql() { psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

# A database of its own for a scenario: DATABASE_URL points at it from then on.
use_database() {
    local name="check_worker_$1_$$"
    psql "$server_url" -XAtq -v ON_ERROR_STOP=1 -c "CREATE DATABASE $name" >/dev/null
    databases+=("$name")
    DATABASE_URL=$(sed -E "s#(postgres(ql)?://[^/]*/)[^?]*#\1$name#" <<<"$server_url")
    export DATABASE_URL
    "$bin" migrate >/dev/null
}

# NAME ARGS...: a worker in the background, its log in $work/NAME.log, its pid in $worker_pid
# (not printed: a command substitution would wait for the worker's end).
start_worker() {
    local name=$1; shift
    "$bin" worker --log-level warning "$@" >"$work/$name.log" 2>&1 &
    worker_pid=$!
    pids+=("$worker_pid")
}

# Waits until the SQL query prints "t", for at most $2 seconds.
wait_for() {
    local query=$1 limit=$2 start=$SECONDS
    while [ $((SECONDS - start)) -lt "$limit" ]; do
        [ "$(sql "$query")" = t ] && return 0
        sleep 0.3
    done
    return 1
}

# The checks every scenario ends with.
check_exactly_once_and_owned() { # LABEL EXPECTED-CASES-WITH-TIMERS
    local twice owned fired
    twice=$(sql "SELECT count(*) FROM (SELECT case_id, context->>'timer' FROM case_history WHERE event = 'timer' GROUP BY 1, 2 HAVING count(*) > 1) x")
    [ "$twice" = 0 ] && pass || fail "$1: $twice timers appear twice in a history"
    owned=$(sql "SELECT count(*) FROM cases c WHERE c.status = 'open'
                   AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = c.id AND t.closed_at IS NULL)
                   AND NOT EXISTS (SELECT 1 FROM timers m WHERE m.case_id = c.id)")
    [ "$owned" = 0 ] && pass || fail "$1: $owned open cases without an owner"
    if [ -n "${2:-}" ]; then
        fired=$(sql "SELECT count(DISTINCT case_id) FROM case_history WHERE event = 'timer'")
        [ "$fired" = "$2" ] && pass || fail "$1: timers fired in $fired cases, expected $2"
    fi
}

lines() { # COUNT JSON: COUNT lines of JSON
    for _ in $(seq 1 "$1"); do echo "$2"; done
}

"$bin" validate Tests/WorkflowTests/Fixtures/worker/minuteur.yaml >/dev/null

# --- 1. SIGKILL in the middle of a batch of 1,000 ------------------------------------
use_database kill
"$bin" publish Tests/WorkflowTests/Fixtures/worker/minuteur.yaml >/dev/null
lines 1000 '{"data": {"voie": "sortie"}}' > "$work/sortie.jsonl"
"$bin" cases import "$work/sortie.jsonl" --workflow minuteur > "$work/kill.ids"
[ "$(wc -l < "$work/kill.ids")" = 1000 ] && pass || fail "import created $(wc -l < "$work/kill.ids") cases, not 1000"
sleep 1.2
# The victim must die with its batch in hand, whatever the machine's speed: a session of
# ours holds one of the cases, so the batch's transaction waits on it until the kill.
first_case=$(head -n 1 "$work/kill.ids")
PGAPPNAME=check-worker-hold psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<SQL &
BEGIN;
SELECT 1 FROM cases WHERE id = '$first_case' FOR UPDATE;
SELECT pg_sleep(120);
SQL
holder=$!
pids+=("$holder")
wait_for "SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = 'check-worker-hold' AND query LIKE '%pg_sleep%'" 30 \
    || fail "the session holding a case never started"
start_worker victim --batch-size 1000 --lease 4 --poll-interval 1
victim=$worker_pid
if wait_for "SELECT count(*) > 0 FROM timers WHERE locked_by IS NOT NULL" 30 \
    && wait_for "SELECT count(*) > 0 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()" 30; then
    kill -9 "$victim"
    wait "$victim" 2>/dev/null || true
    killed_at=$SECONDS
    closed=$(sql "SELECT count(*) FROM cases WHERE status = 'closed'")
    held=$(sql "SELECT count(*) FROM timers WHERE locked_by IS NOT NULL AND locked_until > now()")
    say "killed a worker holding $held timers; $closed of 1000 cases closed at that moment"
    [ "$held" -gt 0 ] && pass || fail "the victim held nothing when it was killed"
    sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'check-worker-hold'" >/dev/null
    wait "$holder" 2>/dev/null || true
    start_worker survivor --batch-size 100 --lease 4 --poll-interval 1
    if wait_for "SELECT count(*) = 1000 FROM cases WHERE status = 'closed'" 90; then
        pass
        say "the survivor finished the batch $((SECONDS - killed_at)) s after the kill (lease 4 s)"
    else
        fail "after the kill, only $(sql "SELECT count(*) FROM cases WHERE status = 'closed'") of 1000 cases closed"
    fi
    check_exactly_once_and_owned "sigkill" 1000
else
    fail "the victim never claimed the due timers"
fi
for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
pids=()

# --- 2. PostgreSQL restarted under two workers -----------------------------------------
if [ "$(scripts/test-postgres.sh url 2>/dev/null || true)" = "$server_url" ]; then
    use_database restart
    "$bin" publish Tests/WorkflowTests/Fixtures/worker/minuteur.yaml >/dev/null
    start_worker first --batch-size 20 --lease 5 --poll-interval 1
    first=$worker_pid
    start_worker second --batch-size 20 --lease 5 --poll-interval 1
    second=$worker_pid
    lines 300 '{"data": {"voie": "sortie"}}' > "$work/restart.jsonl"
    "$bin" cases import "$work/restart.jsonl" --workflow minuteur > "$work/restart.ids"
    scripts/test-postgres.sh restart 2>/dev/null
    say "restarted PostgreSQL with $(sql "SELECT count(*) FROM cases WHERE status = 'open'") of 300 cases still open"
    if wait_for "SELECT count(*) = 300 FROM cases WHERE status = 'closed'" 90; then
        pass
    else
        fail "after the restart, only $(sql "SELECT count(*) FROM cases WHERE status = 'closed'") of 300 cases closed"
    fi
    check_exactly_once_and_owned "restart" 300
    kill -0 "$first" 2>/dev/null && kill -0 "$second" 2>/dev/null && pass || fail "a worker died with the restart"
    kill -TERM "$first" "$second"
    status=0
    wait "$first" || status=$?
    wait "$second" || status=$?
    [ "$status" -eq 0 ] && pass || fail "a worker stopped by SIGTERM exited with $status"
    stopped=$(sql "SELECT count(*) FROM workers WHERE stopped_at IS NOT NULL")
    [ "$stopped" = 2 ] && pass || fail "$stopped workers marked stopped, not 2"
    pids=()
else
    say "DATABASE_URL is not the throwaway cluster of scripts/test-postgres.sh: the restart scenario needs it"
    fail "restart scenario not run"
fi

# --- 3. 200 retirement cases with mixed careers, deadlines of seconds ------------------
use_database retraite
# A test copy of the workflow: months become seconds, business days and days too.
sed -E -e 's/\b6mo\b/12s/g; s/\b3mo\b/6s/g; s/\b2mo\b/4s/g; s/\b1mo\b/2s/g' \
       -e 's/\b10bd\b/3s/g; s/\b5bd\b/2s/g; s/\b15d\b/5s/g' \
       workflows/retraite-multi-statuts.yaml > "$work/retraite-court.yaml"
"$bin" publish "$work/retraite-court.yaml" >/dev/null
python3 - "$work/retraite.jsonl" <<'EOF'
import json, random, sys
random.seed(7)
careers = [["fonctionnaire_etat"], ["fonctionnaire_etat", "contractuel"],
           ["fonctionnaire_etat", "fonctionnaire_hospitalier"],
           ["contractuel", "fonctionnaire_hospitalier", "fonctionnaire_etat"],
           ["autre", "fonctionnaire_etat"], ["contractuel"]]
with open(sys.argv[1], "w") as out:
    for i in range(200):
        born = random.choice(["1958-03-14", "1962-05-10", "1964-11-02", "1990-07-01"])
        case = {"usager": {"nir": "1%012d" % i, "nom": "Cas%d" % i, "date_naissance": born},
                "retraite": {"date_depart_souhaitee": "2026-09-01",
                             "motif": random.choice(["anciennete", "anciennete", "anciennete", "invalidite"])},
                "carriere": {"statuts": random.choice(careers)}}
        out.write(json.dumps({"data": case}) + "\n")
EOF
"$bin" cases import "$work/retraite.jsonl" --workflow retraite-multi-statuts > "$work/retraite.ids"
[ "$(wc -l < "$work/retraite.ids")" = 200 ] && pass || fail "import created $(wc -l < "$work/retraite.ids") retirement cases"
# Nine in ten are deposited; the others wait for the citizen until the file is closed.
awk 'NR % 10 != 0' "$work/retraite.ids" > "$work/deposited.ids"
xargs -P 4 -I{} "$bin" cases act {} deposer --data docs/examples/retraite-depot.json < "$work/deposited.ids" >/dev/null
start_worker retraite-a --batch-size 50 --poll-interval 1
start_worker retraite-b --batch-size 50 --poll-interval 1
if wait_for "SELECT count(*) = 0 FROM cases WHERE status = 'open' AND NOT escalated" 120 \
   && wait_for "SELECT count(*) >= 20 FROM cases WHERE status = 'closed'" 60; then
    pass
else
    fail "$(sql "SELECT count(*) FROM cases WHERE status = 'open' AND NOT escalated") retirement cases are neither final nor escalated"
fi
unexplained=$(sql "SELECT count(*) FROM cases c WHERE c.status = 'open' AND c.escalated
                     AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.case_id = c.id AND t.closed_at IS NULL
                                     AND t.kind = 'escalation' AND t.reason <> '' AND t.context IS NOT NULL)")
[ "$unexplained" = 0 ] && pass || fail "$unexplained escalated cases have no open escalation with a reason"
check_exactly_once_and_owned "retraite"
say "200 retirement cases, by state and what holds them:"
sql "SELECT count(*) || '  ' || label FROM (
       SELECT c.state || ': ' || coalesce(c.outcome, (SELECT string_agg(DISTINCT t.reason, ', ') FROM tasks t
                                   WHERE t.case_id = c.id AND t.closed_at IS NULL AND t.kind = 'escalation'), 'open') AS label
       FROM cases c) x GROUP BY label ORDER BY count(*) DESC, label" | sed 's/^/    /' >&2
example=$(sql "SELECT id FROM cases WHERE escalated ORDER BY id LIMIT 1")
"$bin" cases show "$example" > "$work/show.txt"
grep -qi "escalat" "$work/show.txt" && pass || fail "cases show does not say why case $example is escalated"
for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
pids=()

# --- 4. A legal clock of four seconds through the real worker ---------------------------
use_database horloge
"$bin" publish Tests/WorkflowTests/Fixtures/worker/horloge.yaml >/dev/null
lines 100 '{"data": {"voie": "a"}}' > "$work/horloge.jsonl"
"$bin" cases import "$work/horloge.jsonl" --workflow horloge > "$work/horloge.ids"
head -n 20 "$work/horloge.ids" > "$work/suspended.ids"
xargs -P 4 -I{} "$bin" cases act {} demander-pieces < "$work/suspended.ids" >/dev/null
start_worker horloge-a --batch-size 50 --poll-interval 1
start_worker horloge-b --batch-size 50 --poll-interval 1
sleep 2
xargs -P 4 -I{} "$bin" cases act {} completer < "$work/suspended.ids" >/dev/null
if wait_for "SELECT count(*) = 100 FROM cases WHERE status = 'closed' AND state = 'accord-tacite'" 60; then
    pass
else
    fail "only $(sql "SELECT count(*) FROM cases WHERE state = 'accord-tacite'") of 100 clock cases decided by silence"
fi
twice=$(sql "SELECT count(*) FROM (SELECT case_id FROM case_history WHERE event = 'clock' AND reason = 'expired'
                                   GROUP BY case_id HAVING count(*) <> 1) x")
[ "$twice" = 0 ] && pass || fail "$twice cases whose clock did not expire exactly once"
warned=$(sql "SELECT count(*) FROM (SELECT case_id FROM tasks WHERE reason = 'clock-warning' GROUP BY case_id HAVING count(*) = 1) x")
[ "$warned" = 100 ] && pass || fail "$warned of 100 cases warned exactly once"
restarted=$(sql "SELECT count(*) FROM cases WHERE clocks->0->'suspensions'->0->>'resumed_by' = 'restart'")
[ "$restarted" = 20 ] && pass || fail "$restarted of 20 suspended clocks restarted from zero"
# On time: the expiry's history line is at or after the due date, and at most 3 s after.
late=$(sql "SELECT coalesce(max(extract(epoch FROM h.at - (c.clocks->0->>'due_at')::timestamptz)), -1)
            FROM cases c JOIN case_history h ON h.case_id = c.id AND h.event = 'clock' AND h.reason = 'expired'")
early=$(sql "SELECT count(*) FROM cases c JOIN case_history h ON h.case_id = c.id AND h.event = 'clock' AND h.reason = 'expired'
             WHERE h.at < (c.clocks->0->>'due_at')::timestamptz")
python3 -c "import sys; sys.exit(0 if 0 <= float('$late') <= 3 else 1)" && [ "$early" = 0 ] && pass \
    || fail "clock expiries not on time: latest $late s after the due date, $early before it"
say "legal clocks: 100 expired once, the latest ${late} s after its due date"
check_exactly_once_and_owned "horloge"
for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
pids=()

for log in "$work"/*.log; do
    if grep -q "critical" "$log"; then fail "$(basename "$log"): $(grep critical "$log" | head -n 1)"; fi
done

echo "worker: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
