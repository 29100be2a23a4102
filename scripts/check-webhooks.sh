#!/usr/bin/env bash
# Webhooks end to end, against `workflow serve` (API and worker) on a database of its own in
# the PostgreSQL of DATABASE_URL (as `make test` sets it). The CNRACL's system is played by
# scripts/webhook-receiver.py, which checks every signature with the `standardwebhooks`
# package from PyPI (not Parcours's code):
#
#   1. endpoints on internal addresses, unknown agencies and types are refused;
#   2. three retirement cases: every event of the CNRACL's workflow reaches its endpoint,
#      once, in order per case, validly signed, without the medical fields; a refused
#      action sends nothing;
#   3. the CNRACL's system sees its part is waiting, names the case by its own reference,
#      and validates its part by that reference, twice with one Idempotency-Key: applied once;
#   4. the server killed with SIGKILL while a slow receiver holds a delivery: restarted, it
#      delivers everything, the unacknowledged event again with the same webhook-id;
#   5. an endpoint whose receiver is down past its retry window is disabled (list, health,
#      metrics say so), and `enable` resumes it from its first undelivered event;
#   6. `rotate`: deliveries verify with the new secret while the old one is in grace.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${WORKFLOW_BIN:-.build/debug/workflow}"
examples=docs/examples
[ -n "${DATABASE_URL:-}" ] || { echo "check-webhooks: DATABASE_URL is not set (run through 'make test')" >&2; exit 1; }
python=$(scripts/ensure-python.sh standardwebhooks)
server_url=$DATABASE_URL
name="check_webhooks_$$"
work=$(mktemp -d /tmp/parcours-check-webhooks.XXXXXX)
pids=()
server=""
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
say() { echo "check-webhooks: $*" >&2; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }

stop() { kill -9 "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
cleanup() {
    for pid in "${pids[@]}"; do stop "$pid"; done
    psql "$server_url" -XAtq -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

psql "$server_url" -XAtq -v ON_ERROR_STOP=1 -c "CREATE DATABASE $name" >/dev/null
DATABASE_URL=$(sed -E "s#(postgres(ql)?://[^/]*/)[^?]*#\1$name#" <<<"$server_url")
export DATABASE_URL
export PARCOURS_SECRETS_KEY_FILE=$work/secrets.key
"$bin" migrate >/dev/null
"$bin" publish workflows/ >/dev/null
sql() { psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
token() { "$bin" agents add "$1" --agency "$2" --roles "$3" | sed -n 's/^token: //p'; }
rh=$(token anne armees gestionnaire-rh)
cnracl=$(token cnracl-si cnracl gestionnaire-cnracl)
chef=$("$bin" agents add chef --agency armees --roles coordinateur-retraite --supervisor | sed -n 's/^token: //p')

# RECEIVER NAME PORT: the CNRACL's system; its secret in $work/NAME.secret, its log in
# $work/NAME.log, its mode in $work/NAME.mode; its pid in $receiver_pid.
start_receiver() {
    "$python" scripts/webhook-receiver.py --port "$2" --secret-file "$work/$1.secret" --log "$work/$1.log" \
        --mode-file "$work/$1.mode" >>"$work/$1.out" 2>&1 &
    receiver_pid=$!
    pids+=("$receiver_pid")
    for _ in $(seq 1 50); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $2), 0.2)" 2>/dev/null && return 0
        sleep 0.1
    done
    say "receiver $1 did not start: $(cat "$work/$1.out")"
    exit 1
}

# 1. What is refused at registration.
port=$(free_port)
out=$("$bin" webhooks add --agency cnracl "http://127.0.0.1:$port/hook" 2>&1) && fail "an endpoint on loopback was accepted" \
    || { grep -q "internal address" <<<"$out" && pass || fail "loopback refused without saying why: $out"; }
out=$("$bin" webhooks add --agency personne --types parcours.case.ouvert "https://93.184.215.14/" --allow-webhook-hosts 127.0.0.1 2>&1) \
    && fail "an unknown agency and type were accepted" \
    || { grep -q "no published workflow involves the agency 'personne'" <<<"$out" && grep -q "'parcours.case.ouvert' is not an event type" <<<"$out" \
         && pass || fail "the refusal does not name every problem: $out"; }

# 2. The endpoint, its receiver, the server.
added=$("$bin" webhooks add --agency cnracl "http://127.0.0.1:$port/hook" --allow-webhook-hosts 127.0.0.1 --json)
id1=$(field "d['id']" <<<"$added")
field "d['secret']" <<<"$added" >"$work/cnracl.secret"
grep -q '^whsec_' "$work/cnracl.secret" && pass || fail "no whsec_ secret printed: $added"
[ "$(sql "SELECT position(convert_to('whsec_', 'UTF8') in secret) FROM webhook_endpoints WHERE id = $id1")" = 0 ] && pass \
    || fail "the secret is stored in clear"
echo ok >"$work/cnracl.mode"
start_receiver cnracl "$port"
receiver1=$receiver_pid
down_port=$(free_port)
added=$("$bin" webhooks add --agency cnracl "http://127.0.0.1:$down_port/down" --allow-webhook-hosts 127.0.0.1 --json)
id2=$(field "d['id']" <<<"$added")
field "d['secret']" <<<"$added" >"$work/late.secret"

api_port=$(free_port)
api="http://127.0.0.1:$api_port/api/v1"
serve() {
    "$bin" serve --port "$api_port" --poll-interval 1 --lease 5 --webhook-timeout 4 --webhook-retry-delay 1 \
        --webhook-retry-window 4 --allow-webhook-hosts 127.0.0.1 --log-level warning >>"$work/serve.log" 2>&1 &
    server=$!
    pids+=("$server")
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$api_port/health" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    say "the server did not start: $(tail -5 "$work/serve.log")"
    exit 1
}
serve
call() { # TOKEN METHOD PATH [JSON] [HEADER]
    curl -s -X "$2" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' ${5:+-H "$5"} ${4:+-d "$4"} "$api$3"
}
cases=()
for n in 1 2 3; do
    id=$(call "$rh" POST /cases "{\"workflow\": \"retraite-multi-statuts\", \"data\": $(cat $examples/retraite.json)}" | field "d['id']")
    call "$rh" POST "/cases/$id/events" "{\"action\": \"deposer\", \"data\": $(cat $examples/retraite-depot.json)}" >/dev/null
    cases+=("$id")
done
refused=$(call "$rh" POST "/cases/${cases[0]}/events" '{"action": "liquider"}' | field "d.get('status', 200)")

# Every event of these cases (the CNRACL takes part in the workflow), in the outbox's order.
expected() { sql "SELECT id FROM case_events ORDER BY xact, seq"; }
# The distinct webhook-ids a receiver acknowledged, in the order of their first acknowledgement.
acknowledged() { # NAME
    "$python" - "$work/$1.log" <<'PY'
import json, sys
seen = []
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("answered") and 200 <= e["answered"] < 300 and e["id"] not in seen:
        seen.append(e["id"])
print("\n".join(seen))
PY
}
wait_delivered() { # NAME SECONDS
    local start=$SECONDS
    while [ $((SECONDS - start)) -lt "$2" ]; do
        [ -f "$work/$1.log" ] && [ "$(acknowledged "$1")" = "$(expected)" ] && return 0
        sleep 0.5
    done
    return 1
}
wait_delivered cnracl 30 && pass || fail "the CNRACL's endpoint did not get every event in order: $(acknowledged cnracl | wc -l) of $(expected | wc -l)"
[ "$(expected | wc -l)" -ge 6 ] && pass || fail "expected at least two events per case: $(expected | wc -l)"
[ "$refused" != 200 ] && pass || fail "the refused action was applied"
invalid=$(grep -c '"valid": false' "$work/cnracl.log" || true)
[ "$invalid" = 0 ] && pass || fail "$invalid deliveries failed standardwebhooks' verification: $(grep '"valid": false' "$work/cnracl.log" | head -2)"
grep -q '"sante' "$work/cnracl.log" && fail "a medical field reached the CNRACL" || pass
# In order per case: each case's versions only go up along the acknowledgements.
"$python" - "$work/cnracl.log" <<'PY' && pass || fail "a case's events arrived out of order"
import json, sys
last = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("answered") == 204:
        if e["version"] < last.get(e["subject"], 0):
            sys.exit(1)
        last[e["subject"]] = e["version"]
PY
journaled=$(sql "SELECT count(*) FROM access_journal WHERE actor = 'webhook:$id1' AND agency = 'cnracl' AND kind = 'read'")
[ "$journaled" -ge "$(expected | wc -l)" ] && pass || fail "deliveries not journaled as reads by the CNRACL's system: $journaled"

# 3. The CNRACL's system answers: its part waits (whose_move names it), it sets its own
#    reference and validates by it, twice with the same key.
waiting=$("$python" -c "
import json,sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get('answered') == 204 and 'cnracl' in (e.get('whose_move') or []) and e['subject'] == sys.argv[2]:
        print(e['subject']); break" "$work/cnracl.log" "${cases[0]}")
[ "$waiting" = "${cases[0]}" ] && pass || fail "no delivered event said the case waits on the CNRACL"
out=$(call "$cnracl" PUT "/cases/${cases[0]}/external-ref" '{"ref": "CNR-2026-000123"}')
[ "$(field "d['external_refs']['cnracl']" <<<"$out")" = CNR-2026-000123 ] && pass || fail "external-ref: $out"
before=$(sql "SELECT version FROM cases WHERE id = '${cases[0]}'")
part="{\"action\": \"valider-part\", \"track\": \"cnracl\", \"data\": $(cat $examples/retraite-cnracl.json)}"
first=$(call "$cnracl" POST /cases/by-ref/cnracl/CNR-2026-000123/events "$part" "Idempotency-Key: cnr-000123-part")
second=$(call "$cnracl" POST /cases/by-ref/cnracl/CNR-2026-000123/events "$part" "Idempotency-Key: cnr-000123-part")
after=$(sql "SELECT version FROM cases WHERE id = '${cases[0]}'")
[ "$after" = $((before + 1)) ] && [ "$first" = "$second" ] && pass || fail "the repeated POST was applied again ($before -> $after)"

# 4. The server killed while a slow receiver holds a delivery.
echo "slow 3" >"$work/cnracl.mode"
id=$(call "$rh" POST /cases "{\"workflow\": \"retraite-multi-statuts\", \"data\": $(cat $examples/retraite.json)}" | field "d['id']")
start=$SECONDS
until grep -q '"answered": null' "$work/cnracl.log" || [ $((SECONDS - start)) -gt 20 ]; do sleep 0.2; done
stop "$server"
echo ok >"$work/cnracl.mode"
serve
wait_delivered cnracl 40 && pass || fail "after the kill, not every event was delivered in order"
redelivered=$("$python" -c "
import json,sys,collections
c = collections.Counter(json.loads(l)['id'] for l in open(sys.argv[1]) if json.loads(l).get('answered') == 204)
print(sum(n - 1 for n in c.values()))" "$work/cnracl.log")
say "after the kill: $redelivered event(s) delivered twice (the receiver dedupes by webhook-id)"

# 5. The second endpoint's receiver is down: past its window (4 s) it is disabled.
start=$SECONDS
until [ "$("$bin" webhooks list --json | field "[e['status'] for e in d if e['id'] == $id2][0]")" = disabled ] \
      || [ $((SECONDS - start)) -gt 40 ]; do sleep 0.5; done
listed=$("$bin" webhooks list --json)
[ "$(field "[e['status'] for e in d if e['id'] == $id2][0]" <<<"$listed")" = disabled ] && pass || fail "the failing endpoint was not disabled: $listed"
grep -q "disabled at" <<<"$("$bin" webhooks list)" && pass || fail "webhooks list does not say it is disabled"
health=$(curl -s "http://127.0.0.1:$api_port/health")
[ "$(field "d['webhooks']['disabled']" <<<"$health")" = 1 ] && grep -q "webhook endpoint" <<<"$health" && pass \
    || fail "health does not tell the disabled endpoint: $health"
grep -q 'parcours_webhook_endpoints{status="disabled"} 1' <<<"$(curl -s "http://127.0.0.1:$api_port/metrics")" && pass \
    || fail "metrics do not count the disabled endpoint"
supervised=$(call "$chef" GET /supervision/webhooks)
[ "$(field "[e['status'] for e in d['items'] if e['id'] == $id2][0]" <<<"$supervised")" = disabled ] && pass \
    || fail "supervisors do not see the disabled endpoint: $supervised"
echo ok >"$work/late.mode"
start_receiver late "$down_port"
"$bin" webhooks enable "$id2" >/dev/null
wait_delivered late 40 && pass || fail "the enabled endpoint did not get every event, in order, from its first undelivered"
invalid=$(grep -c '"valid": false' "$work/late.log" || true)
[ "$invalid" = 0 ] && pass || fail "$invalid deliveries to the resumed endpoint failed verification"

# 6. Rotation: the receiver switches to the new secret; deliveries still verify.
"$bin" webhooks rotate "$id1" --grace-hours 1 --json | field "d['secret']" >"$work/cnracl.secret.new"
mv "$work/cnracl.secret.new" "$work/cnracl.secret"
call "$rh" POST /cases "{\"workflow\": \"retraite-multi-statuts\", \"data\": $(cat $examples/retraite.json)}" >/dev/null
wait_delivered cnracl 30 && pass || fail "after the rotation, not every event was delivered"
invalid=$(grep -c '"valid": false' "$work/cnracl.log" || true)
[ "$invalid" = 0 ] && pass || fail "after the rotation, $invalid deliveries failed verification with the new secret"

echo "check-webhooks: $passed passed, $failed failed"
[ "$failed" = 0 ]
