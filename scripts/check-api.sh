#!/usr/bin/env bash
# End-to-end check of `workflow serve` with curl, against the PostgreSQL of DATABASE_URL
# (as `make test` sets it), on a database of its own: the API tour of the README. Agents
# get tokens from `workflow agents add`; a retirement case is created at a counter, moved
# along its tracks by the agents of each pension body to liquidation; a second case with
# an incomplete career escalates, and the coordination cell corrects it and has it
# evaluated again. Also: no token is a 401, another agency's agent gets a 404, SIGTERM
# stops the server cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${WORKFLOW_BIN:-.build/debug/workflow}"
examples=docs/examples
[ -n "${DATABASE_URL:-}" ] || { echo "check-api: DATABASE_URL is not set (run through 'make test')" >&2; exit 1; }
server_url=$DATABASE_URL
name="check_api_$$"
work=$(mktemp -d /tmp/parcours-check-api.XXXXXX)
server=""
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }

cleanup() {
    [ -n "$server" ] && kill -9 "$server" 2>/dev/null || true
    psql "$server_url" -XAtq -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

psql "$server_url" -XAtq -v ON_ERROR_STOP=1 -c "CREATE DATABASE $name" >/dev/null
DATABASE_URL=$(sed -E "s#(postgres(ql)?://[^/]*/)[^?]*#\1$name#" <<<"$server_url")
export DATABASE_URL
"$bin" migrate >/dev/null

token() { # ID AGENCY ROLES: a new agent's token
    "$bin" agents add "$1" --agency "$2" --roles "$3" | sed -n 's/^token: //p'
}
rh=$(token anne armees gestionnaire-rh)
coord=$(token claude armees coordinateur-retraite)
sre=$(token sophie sre gestionnaire-sre)
cnracl=$(token camille cnracl gestionnaire-cnracl)
ircantec=$(token ines ircantec gestionnaire-ircantec)
liquidateur=$(token louis sre liquidateur-sre)
other=$(token marc mairie-recueil agent-accueil-titres)
portal=$("$bin" agents add portail --portal | sed -n 's/^token: //p')
[ -n "$rh" ] && [ ${#rh} -ge 46 ] && pass || fail "agents add printed no token of at least 256 bits"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --port "$port" --workflows workflows/ --poll-interval 1 --log-level warning >"$work/serve.log" 2>&1 &
server=$!
api="http://127.0.0.1:$port/api/v1"
for _ in $(seq 1 100); do
    curl -sf "$api/openapi.yaml" >/dev/null 2>&1 && break
    sleep 0.2
done
# The body is read whole first: under pipefail, `curl | head` fails when head closes the pipe early.
contract=$(curl -sf "$api/openapi.yaml" || true)
case "$contract" in "openapi: 3.1"*) pass ;; *) fail "the contract is not served at $api/openapi.yaml" ;; esac

# call TOKEN METHOD PATH [JSON]: prints the body, and the status on the last line
call() {
    local token=$1 method=$2 path=$3 body=${4:-}
    if [ -n "$body" ]; then
        curl -s -X "$method" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$body" \
             -w '\n%{http_code}' "$api$path"
    else
        curl -s -X "$method" -H "Authorization: Bearer $token" -w '\n%{http_code}' "$api$path"
    fi
}
status() { tail -n 1 <<<"$1"; }
body() { sed '$d' <<<"$1"; }

out=$(curl -s -w '\n%{http_code}' "$api/cases")
[ "$(status "$out")" = 401 ] && pass || fail "no token: $(status "$out")"

# A retirement case created at the ministry's counter, then deposited.
out=$(call "$rh" POST /cases "{\"workflow\": \"retraite-multi-statuts\", \"data\": $(cat $examples/retraite.json)}")
[ "$(status "$out")" = 201 ] && pass || fail "create: $(status "$out") $(body "$out")"
id=$(body "$out" | field "d['id']")
out=$(call "$rh" POST "/cases/$id/events" "{\"action\": \"deposer\", \"data\": $(cat $examples/retraite-depot.json)}")
[ "$(body "$out" | field "d['state']")" = instruction-parts ] && pass || fail "deposer: $(body "$out")"
[ "$(body "$out" | field "len(d['tracks'])")" = 4 ] && pass || fail "four tracks expected"

out=$(call "$other" GET "/cases/$id")
[ "$(status "$out")" = 404 ] && pass || fail "an agent of another agency got $(status "$out")"

# Each body validates its own part, in its own track.
for part in "$sre sre retraite-sre" "$cnracl cnracl retraite-cnracl" "$ircantec ircantec retraite-ircantec" "$rh carriere retraite-carriere"; do
    set -- $part
    out=$(call "$1" POST "/cases/$id/events" "{\"action\": \"valider-part\", \"track\": \"$2\", \"data\": $(cat $examples/$3.json)}")
    [ "$(status "$out")" = 200 ] && pass || fail "valider-part $2: $(status "$out") $(body "$out")"
done
[ "$(body "$out" | field "d['state']")" = liquidation ] && pass || fail "after the four parts: $(body "$out" | field "d['state']")"

# Liquidation: the SRE's liquidator sees the task in its inbox and concedes the pension.
out=$(call "$liquidateur" GET "/tasks?queue=liquidation-sre")
[ "$(body "$out" | field "len([t for t in d['items'] if t['case'] == '$id'])")" = 1 ] && pass || fail "liquidation inbox: $(body "$out")"
out=$(call "$liquidateur" POST "/cases/$id/events" "{\"action\": \"liquider\", \"data\": $(cat $examples/retraite-liquidation.json)}")
[ "$(body "$out" | field "d['status'] + '/' + str(d['outcome'])")" = closed/accepted ] && pass || fail "liquider: $(body "$out")"

# A case with an incomplete career escalates; the coordination cell corrects and evaluates again.
out=$(call "$rh" POST /cases "{\"workflow\": \"retraite-multi-statuts\", \"data\": $(cat $examples/retraite-statuts-incomplets.json)}")
second=$(body "$out" | field "d['id']")
out=$(call "$rh" POST "/cases/$second/events" "{\"action\": \"deposer\", \"data\": $(cat $examples/retraite-depot.json)}")
[ "$(body "$out" | field "d['escalated']")" = True ] && pass || fail "no escalation: $(body "$out")"
out=$(call "$coord" GET "/tasks?kind=escalation")
task=$(body "$out" | field "[t['id'] for t in d['items'] if t['case'] == '$second'][0]")
reason=$(body "$out" | field "[t['reason'] for t in d['items'] if t['case'] == '$second'][0]")
[ "$reason" = statut-inconnu ] && pass || fail "escalation reason: $reason"
out=$(call "$coord" POST "/tasks/$task/claim")
[ "$(status "$out")" = 200 ] && pass || fail "claim: $(status "$out") $(body "$out")"
out=$(call "$coord" PATCH "/cases/$second/data" "{\"data\": $(cat $examples/retraite-correction-statuts.json), \"note\": \"statut État oublié\"}")
[ "$(status "$out")" = 200 ] && pass || fail "correction: $(status "$out") $(body "$out")"
out=$(call "$coord" POST "/tasks/$task/resolve" '{"evaluate": true, "note": "statuts complétés"}')
[ "$(body "$out" | field "d['state'] + '/' + str(d['escalated'])")" = instruction-parts/False ] && pass || fail "evaluate: $(body "$out")"

out=$(call "$rh" GET "/cases?q=lef%C3%A8vre&workflow=retraite-multi-statuts")
[ "$(body "$out" | field "len(d['items'])")" = 2 ] && pass || fail "search by name: $(body "$out")"

# A supervisor's questions: which cases are stuck, which escalations, whose delays.
chef=$(sed -n 's/^token: //p' <<<"$("$bin" agents add chef --agency armees --roles coordinateur-retraite --supervisor)")
out=$(call "$chef" GET "/supervision/stuck?workflow=retraite-multi-statuts")
[ "$(status "$out")" = 200 ] && [ "$(body "$out" | field "len(d['items'])")" -ge 1 ] && pass || fail "stuck: $(status "$out") $(body "$out")"
out=$(call "$chef" GET "/supervision/escalations")
grep -q "statut-inconnu" <<<"$(body "$out")" && pass || fail "escalations report: $(body "$out")"
out=$(call "$rh" GET "/supervision/stuck")
[ "$(status "$out")" = 403 ] && pass || fail "a non-supervisor read the stuck report: $(status "$out")"

# The citizen's portal: a person files their own case and reads who accessed it.
out=$(curl -s -X POST -H "Authorization: Bearer $portal" -H 'Citizen-Ref: oidc|lefevre' -H 'Content-Type: application/json' \
        -d "{\"workflow\": \"retraite-multi-statuts\", \"data\": $(cat $examples/retraite.json)}" -w '\n%{http_code}' "$api/portal/cases")
[ "$(status "$out")" = 201 ] && pass || fail "portal create: $(status "$out") $(body "$out")"
mine=$(body "$out" | field "d['id']")
call "$rh" GET "/cases/$mine" >/dev/null
out=$(curl -s -H "Authorization: Bearer $portal" -H 'Citizen-Ref: oidc|lefevre' -w '\n%{http_code}' "$api/portal/cases/$mine/access-log")
# The person learns which administration read it (the armees), not the agent's id.
grep -q "('agent', 'armees', 'read')" <<<"$(body "$out" | field "[(e['actor'], e['agency'], e['kind']) for e in d['items']]")" \
    && ! grep -q "agent:anne" <<<"$(body "$out")" && pass || fail "the journal does not show the armees' read by agency only: $(body "$out")"
out=$(curl -s -H "Authorization: Bearer $portal" -H 'Citizen-Ref: oidc|someone-else' -w '\n%{http_code}' "$api/portal/cases/$mine")
[ "$(status "$out")" = 404 ] && pass || fail "another person reached the case: $(status "$out")"

# A system retries a POST with the same Idempotency-Key: the first answer again, one note.
keyed() { curl -s -i -X POST -H "Authorization: Bearer $rh" -H 'Content-Type: application/json' -H "Idempotency-Key: $1" \
              -d "$2" "$api/cases/$second/notes"; }
first=$(keyed retry-1 '{"text": "envoyé deux fois"}')
again=$(keyed retry-1 '{"text": "envoyé deux fois"}')
grep -q '^HTTP/1.1 201' <<<"$first" && grep -qi '^idempotency-replayed: true' <<<"$again" && [ "$(sed '1,/^\r$/d' <<<"$again")" = "$(sed '1,/^\r$/d' <<<"$first")" ] \
    && pass || fail "a retried POST was not replayed: $again"
[ "$(body "$(call "$rh" GET "/cases/$second/history")" | field "sum(e['event'] == 'note' and e.get('note') == 'envoyé deux fois' for e in d['items'])")" = 1 ] \
    && pass || fail "a retried note was written twice"
grep -q '^HTTP/1.1 422' <<<"$(keyed retry-1 '{"text": "autre chose"}')" && pass || fail "a key reused for another body was not a 422"

# Operations: health (the server's own worker beats) and Prometheus metrics.
out=$(curl -s -w '\n%{http_code}' "http://127.0.0.1:$port/health")
[ "$(status "$out")" = 200 ] && pass || fail "health: $(status "$out") $(body "$out")"
grep -q '^parcours_cases{workflow="retraite-multi-statuts"' <<<"$(curl -s "http://127.0.0.1:$port/metrics")" && pass || fail "metrics lack the case counts"

kill -TERM "$server"
code=0
wait "$server" || code=$?
server=""
[ "$code" -eq 0 ] && pass || fail "serve stopped by SIGTERM exited with $code"
grep -q "error" "$work/serve.log" && fail "the server logged errors: $(grep error "$work/serve.log" | head -n 3)"

echo "api: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
