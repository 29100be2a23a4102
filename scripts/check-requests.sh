#!/usr/bin/env bash
# Requests to other administrations end to end, against `workflow serve` (API and worker) on
# a database of its own in the PostgreSQL of DATABASE_URL. The tax administration is played
# by scripts/request-answerer.py, a small system of its own that checks the webhooks'
# signatures and answers through the API with its token:
#
#   1. a student files a grant through the portal without consenting: the tax notice is
#      not asked, nothing reaches the tax administration, and the portal says the student
#      is asked for it;
#   2. the student consents: the signed `parcours.request.opened` reaches the tax
#      administration's system, which answers through the API; the case has the tax notice,
#      the request is answered, and the portal says when;
#   3. the read of the tax notice by the CROUS is in the person's access log, with the
#      request and its legal basis.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${WORKFLOW_BIN:-.build/debug/workflow}"
[ -n "${DATABASE_URL:-}" ] || { echo "check-requests: DATABASE_URL is not set (run through 'make test')" >&2; exit 1; }
server_url=$DATABASE_URL
# The tax administration's system checks signatures with the `standardwebhooks` package.
python=$(scripts/ensure-python.sh standardwebhooks)
name="check_requests_$$"
work=$(mktemp -d /tmp/parcours-check-requests.XXXXXX)
pids=()
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
say() { echo "check-requests: $*" >&2; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
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
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
token() { "$bin" agents add "$@" | sed -n 's/^token: //p'; }
portal=$(token portail --portal)
crous=$(token c.martin --agency crous --roles gestionnaire-bourses)
token si-impots --agency dgfip --roles si-impots >"$work/dgfip.token"

api_port=$(free_port)
api="http://127.0.0.1:$api_port/api/v1"
hook_port=$(free_port)
# Every type of event: the tax administration, only asked by the workflow, must get nothing
# of a case before consent, and only its requests' events after.
added=$("$bin" webhooks add --agency dgfip "http://127.0.0.1:$hook_port/parcours" \
        --allow-webhook-hosts 127.0.0.1 --json)
field "d['secret']" <<<"$added" >"$work/dgfip.secret"
"$python" scripts/request-answerer.py --port "$hook_port" --secret-file "$work/dgfip.secret" --token-file "$work/dgfip.token" \
    --api "$api" --log "$work/dgfip.log" >>"$work/answerer.out" 2>&1 &
pids+=($!)
"$bin" serve --port "$api_port" --poll-interval 1 --webhook-retry-delay 1 --allow-webhook-hosts 127.0.0.1 \
    --log-level warning >>"$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$api_port/health" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -sf "http://127.0.0.1:$api_port/health" >/dev/null || { say "the server did not start: $(tail -5 "$work/serve.log")"; exit 1; }
as_person() { # METHOD PATH [JSON]
    curl -s -X "$1" -H "Authorization: Bearer $portal" -H 'Citizen-Ref: oidc|camille' -H 'Content-Type: application/json' \
        ${3:+-d "$3"} "$api$2"
}
avis() { field "[r for r in d['requests'] if r['request'] == 'avis-imposition'][0]$1"; }
delivered() { [ -s "$work/dgfip.log" ] && grep -c '"parcours.request.opened"' "$work/dgfip.log" || echo 0; }

# 1. Without consent: not asked, nothing sent, the student is asked.
created=$(as_person POST /portal/cases '{"workflow": "bourse-sur-criteres-sociaux", "data": {"etudiant": {"ine": "0123456789A", "date_naissance": "2006-05-04"}, "campagne": {"date_rentree": "2026-09-01"}}}')
id=$(field "d['id']" <<<"$created")
[ "$(avis "['consent']" <<<"$created")" = not-given ] && [ "$(avis "['sent']" <<<"$created")" = False ] \
    && [ "$(avis "['asked_of_you']" <<<"$created")" = True ] && pass || fail "without consent: $created"
[ "$(avis "['legal_basis']" <<<"$created")" != "" ] && pass || fail "no legal basis shown: $created"
sleep 3
[ ! -s "$work/dgfip.log" ] && pass || fail "something reached the tax administration without consent: $(cat "$work/dgfip.log")"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$work/dgfip.token")" "$api/cases/$id")" = 404 ] && pass \
    || fail "the tax administration may read the case without consent"
[ "$(curl -s -H "Authorization: Bearer $(cat "$work/dgfip.token")" "$api/requests" | field "len(d['items'])")" = 0 ] && pass \
    || fail "a request waits for the tax administration without consent"

# 2. Consent given: sent, received, answered through the API, the case has the tax notice.
given=$(as_person POST "/portal/cases/$id/consents" '{"request": "avis-imposition", "granted": true}')
[ "$(avis "['consent']" <<<"$given")" = given ] && [ "$(avis "['sent']" <<<"$given")" = True ] && pass || fail "consent: $given"
status=""
for _ in $(seq 1 60); do
    status=$(as_person GET "/portal/cases/$id" | avis "['status']")
    [ "$status" = answered ] && break
    sleep 0.5
done
[ "$status" = answered ] && pass || fail "the request was not answered: $status; $(cat "$work/dgfip.log" 2>/dev/null); $(tail -5 "$work/serve.log")"
[ "$(delivered)" -ge 1 ] && ! grep -q '"valid": false' "$work/dgfip.log" && grep -q '"answered": 200' "$work/dgfip.log" && pass \
    || fail "the tax administration's system: $(cat "$work/dgfip.log" 2>/dev/null)"
sleep 2
[ -z "$(python3 -c 'import json,sys; print(" ".join(sorted({json.loads(l).get("type") or "?" for l in open(sys.argv[1])} - {"parcours.request.opened", "parcours.request.answered"})))' "$work/dgfip.log")" ] \
    && pass || fail "the tax administration received more of the case than its request's events: $(cat "$work/dgfip.log")"
read=$(curl -s -H "Authorization: Bearer $crous" "$api/cases/$id")
[ "$(field "d['data']['pieces']['avis_imposition']['issuer']" <<<"$read")" = dgfip ] && pass || fail "the case has no tax notice: $read"
[ "$(as_person GET "/portal/cases/$id" | avis "['answered_at'] is not None")" = True ] && pass || fail "the portal does not say when it was answered"

# 3. The CROUS's read, in the person's access log, with the request and its legal basis.
log=$(as_person GET "/portal/cases/$id/access-log")
grep -q "a consulté votre « Avis d'imposition des parents », fourni par Direction générale des finances publiques" <<<"$log" \
    && pass || fail "the access log does not tell the read of the tax notice: $log"

echo "requests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
