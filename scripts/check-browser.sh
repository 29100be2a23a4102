#!/usr/bin/env bash
# The web pages in a real browser: headless Chromium driven by scripts/check-browser.py,
# against `workflow serve` on a database of its own in the PostgreSQL of DATABASE_URL (as
# `make test-browser` sets it). Agents get tokens from `workflow agents add`; four example
# retirement cases are made through the API with curl: two that go along their four tracks
# (asking the pension bodies for career statements), two whose incomplete career escalates
# `statut-inconnu` to the coordination cell. A student's portal, the CROUS and the tax
# administration get tokens too, for a grant whose tax notice needs her consent. A real
# OpenID provider (LemonLDAP::NG, scripts/test-oidc-provider.sh) runs beside the server, and
# people sign in through its own login page too. The screenshots of every page go to
# .build/browser/ (BROWSER_SHOTS to change it).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${WORKFLOW_BIN:-.build/debug/workflow}"
shots="${BROWSER_SHOTS:-.build/browser}"
examples=docs/examples
[ -n "${DATABASE_URL:-}" ] || { echo "check-browser: DATABASE_URL is not set (run through 'make test-browser')" >&2; exit 1; }
command -v chromium >/dev/null || { echo "check-browser: chromium is not installed (Debian package chromium)" >&2; exit 1; }
server_url=$DATABASE_URL
name="check_browser_$$"
work=$(mktemp -d /tmp/parcours-check-browser.XXXXXX)
server=""
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }

cleanup() {
    [ -n "$server" ] && kill -9 "$server" 2>/dev/null || true
    scripts/test-oidc-provider.sh stop >/dev/null 2>&1 || true
    psql "$server_url" -XAtq -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

psql "$server_url" -XAtq -v ON_ERROR_STOP=1 -c "CREATE DATABASE $name" >/dev/null
DATABASE_URL=$(sed -E "s#(postgres(ql)?://[^/]*/)[^?]*#\1$name#" <<<"$server_url")
export DATABASE_URL
"$bin" migrate >/dev/null
"$bin" publish workflows/ >/dev/null

token() { # ID AGENCY ROLES [FLAG]: a new agent's token
    "$bin" agents add "$1" --agency "$2" ${3:+--roles "$3"} ${4:-} 2>/dev/null | sed -n 's/^token: //p'
}
# The SRE's agent (a pension body) is the one who signs in first; the others act meanwhile.
sophie=$(token sophie sre gestionnaire-sre)
anne=$(token anne armees gestionnaire-rh)
camille=$(token camille cnracl gestionnaire-cnracl)
ines=$(token ines ircantec gestionnaire-ircantec)
marie=$(token marie armees medecin-conseil)
chef=$(token chef armees coordinateur-retraite --supervisor)
marc=$(token marc mairie-recueil agent-accueil-titres)
dora=$(token dora armees "" --designer)
lucie=$(token lucie armees coordinateur-retraite)
# The student grant's side: the student's portal, the CROUS and the tax administration it asks.
portal=$("$bin" agents add portail --portal 2>/dev/null | sed -n 's/^token: //p')
paul=$(token paul crous gestionnaire-bourses)
fisc=$(token fisc dgfip si-impots)
for t in "$sophie" "$anne" "$camille" "$ines" "$marie" "$chef" "$marc" "$dora" "$lucie" "$portal" "$paul" "$fisc"; do
    [ -n "$t" ] || { echo "check-browser: workflow agents add printed no token" >&2; exit 1; }
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# The provider's demo people: dwho is registered by e-mail, msmith by subject, rtyler not at all.
issuer=$(scripts/test-oidc-provider.sh start "$base")
contact="le bureau des habilitations (habilitations@example.org)"
"$bin" agents add docteur --agency sre --roles gestionnaire-sre --oidc-email dwho@badwolf.org >/dev/null
"$bin" agents add mickey --agency mairie-recueil --roles agent-accueil-titres --oidc-subject msmith --oidc-issuer "$issuer" >/dev/null
PARCOURS_OIDC_SECRET_LEMONLDAP=$(scripts/test-oidc-provider.sh secret) \
    "$bin" serve --port "$port" --poll-interval 1 --log-level warning \
    --oidc-provider "lemonldap $issuer $(scripts/test-oidc-provider.sh client-id)" --sign-in-contact "$contact" \
    >"$work/serve.log" 2>&1 &
server=$!
api="$base/api/v1"
for _ in $(seq 1 100); do
    curl -sf "$api/openapi.yaml" >/dev/null 2>&1 && break
    sleep 0.2
done
curl -sf "$api/openapi.yaml" >/dev/null || { echo "check-browser: the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

# call TOKEN METHOD PATH [JSON]: prints the body, and the status on the last line
call() {
    local token=$1 method=$2 path=$3 body=${4:-}
    curl -s -X "$method" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
         ${body:+-d "$body"} -w '\n%{http_code}' "$api$path"
}
status() { tail -n 1 <<<"$1"; }
body() { sed '$d' <<<"$1"; }

# The case that goes along: created at the ministry's counter and deposited, four tracks.
out=$(call "$anne" POST /cases "{\"workflow\": \"retraite-multi-statuts\", \"data\": $(cat $examples/retraite.json)}")
[ "$(status "$out")" = 201 ] && pass || fail "create: $(status "$out") $(body "$out")"
along=$(body "$out" | field "d['id']")
out=$(call "$anne" POST "/cases/$along/events" "{\"action\": \"deposer\", \"data\": $(cat $examples/retraite-depot.json)}")
[ "$(body "$out" | field "d['state']")" = instruction-parts ] && pass || fail "deposer: $(body "$out")"
# A field only the medical adviser may see, set by an operator at the command line.
restricted='73.91'
echo "{\"sante\": {\"taux_invalidite\": \"$restricted\"}}" >"$work/sante.json"
"$bin" cases correct "$along" --data "$work/sante.json" --note "avis du conseil médical" >/dev/null && pass || fail "cases correct with sante.taux_invalidite"

# The case that escalates: no State service in the career, so statut-inconnu.
out=$(call "$anne" POST /cases "{\"workflow\": \"retraite-multi-statuts\", \"data\": $(cat $examples/retraite-statuts-incomplets.json)}")
escalated=$(body "$out" | field "d['id']")
out=$(call "$anne" POST "/cases/$escalated/events" "{\"action\": \"deposer\", \"data\": $(cat $examples/retraite-depot.json)}")
[ "$(body "$out" | field "d['escalated']")" = True ] && pass || fail "no escalation: $(body "$out")"

# A third like it, that the coordination cell corrects and has evaluated again.
out=$(call "$anne" POST /cases "{\"workflow\": \"retraite-multi-statuts\", \"data\": $(cat $examples/retraite-statuts-incomplets.json)}")
corrected=$(body "$out" | field "d['id']")
out=$(call "$anne" POST "/cases/$corrected/events" "{\"action\": \"deposer\", \"data\": $(cat $examples/retraite-depot.json)}")
[ "$(body "$out" | field "d['escalated']")" = True ] && pass || fail "no escalation: $(body "$out")"

# A fourth, deposited, whose referent the supervisor names from its page: its tracks wait on
# three pension bodies. The command line names and removes a referent, and refuses an agent
# of no referent role.
out=$(call "$anne" POST /cases "{\"workflow\": \"retraite-multi-statuts\", \"data\": $(cat $examples/retraite.json)}")
referred=$(body "$out" | field "d['id']")
out=$(call "$anne" POST "/cases/$referred/events" "{\"action\": \"deposer\", \"data\": $(cat $examples/retraite-depot.json)}")
[ "$(body "$out" | field "d['state']")" = instruction-parts ] && pass || fail "deposer: $(body "$out")"
"$bin" cases correct "$referred" --data "$work/sante.json" --note "avis du conseil médical" >/dev/null && pass || fail "cases correct on the referred case"
"$bin" cases referent "$escalated" chef | grep -q "referent    chef (armees)" && pass || fail "cases referent CASE chef"
"$bin" cases referent "$escalated" --remove | grep -q "^  referent    " && fail "cases referent --remove left a referent" || pass
set +e
"$bin" cases referent "$escalated" anne >/dev/null 2>"$work/referent.err"
status=$?
set -e
[ "$status" -eq 1 ] && grep -q "not-a-referent" "$work/referent.err" && pass || fail "cases referent CASE anne: exit $status, $(cat "$work/referent.err")"
[ "$("$bin" supervise referents --json | field "[r['count'] for r in d['without_referent'] if r['workflow'] == 'retraite-multi-statuts']")" = "[4]" ] \
    && pass || fail "supervise referents: $("$bin" supervise referents --json)"

# A workflow with a misspelt state, as a designer would paste it; the page's diagnostic must
# be at the line the command line names.
sed 's/^    next: liquidation$/    next: liquidaton/' workflows/retraite-multi-statuts.yaml >"$work/broken.yaml"
line=$("$bin" validate "$work/broken.yaml" 2>&1 | sed -n 's/^[^:]*:\([0-9]*\):[0-9]*: error: .*liquidaton.*/\1/p' | head -n 1 || true)
[ -n "$line" ] && pass || fail "workflow validate found no error in the broken workflow"

# The next version of the workflow, correct: a designer publishes it from the page.
sed 's/^version: 1$/version: 2/' workflows/retraite-multi-statuts.yaml >"$work/next.yaml"
"$bin" validate "$work/next.yaml" >/dev/null && pass || fail "the next version of the workflow does not validate"

# Screenshots are taken into the work folder and replace the previous set at the end, so
# that two runs at once do not mix their pictures.
mkdir -p "$work/shots"
python3 - "$work/context.json" <<EOF
import json, sys
ex = "$examples"
def load(name): return json.load(open(f"{ex}/{name}.json"))
json.dump({
    "base": "$base", "out": "$work/shots", "summary": "$work/summary",
    "tokens": {"sophie": "$sophie", "anne": "$anne", "camille": "$camille", "ines": "$ines",
               "marie": "$marie", "chef": "$chef", "marc": "$marc", "dora": "$dora", "lucie": "$lucie",
               "paul": "$paul", "fisc": "$fisc"},
    "portal": {"token": "$portal", "citizen": "oidc|lea.martin", "workflow": "bourse-sur-criteres-sociaux",
               "data": {"etudiant": {"ine": "0123456789A", "date_naissance": "2006-05-04"}, "campagne": {"date_rentree": "2026-09-01"}}},
    "cases": {"along": "$along", "escalated": "$escalated", "corrected": "$corrected", "referred": "$referred"},
    "data": {"carriere": load("retraite-carriere"), "cnracl": load("retraite-cnracl"), "ircantec": load("retraite-ircantec"),
             "retraite": load("retraite"), "depot": load("retraite-depot")},
    "restricted": {"field": "sante.taux_invalidite", "value": "$restricted"},
    "broken": {"source": open("$work/broken.yaml").read(), "line": int("${line:-0}")},
    "next_version": {"source": open("$work/next.yaml").read(), "id": "retraite-multi-statuts", "version": 2},
    "oidc": {"name": "lemonldap", "issuer": "$issuer", "contact": "$contact", "bin": "$bin",
             "agents": {"dwho": "docteur · sre", "msmith": "mickey · mairie-recueil"}},
}, open(sys.argv[1], "w"), ensure_ascii=False)
EOF

python3 scripts/check-browser.py "$work/context.json" | grep -v '^browser: ' || true
read -r bpassed bfailed <"$work/summary" || { bpassed=0; bfailed=1; fail "the browser driver did not finish"; }
passed=$((passed + bpassed))
failed=$((failed + bfailed))

mkdir -p "$shots"
rm -f "$shots"/*.png
cp "$work"/shots/*.png "$shots"/ 2>/dev/null || true

kill -TERM "$server"
wait "$server" || true
server=""
if grep -qi "error" "$work/serve.log"; then
    fail "the server logged errors: $(grep -i error "$work/serve.log" | head -n 5)"
fi
echo "screenshots: $shots/"
echo "browser: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
