#!/usr/bin/env bash
# End-to-end check of the case commands against a real PostgreSQL (DATABASE_URL, as
# `make test` sets it): a retirement case from deposit to liquidation through its four
# parallel tracks, the refusals a person would meet on the way, and the history.
# The same steps are shown in docs/walkthrough.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${WORKFLOW_BIN:-.build/debug/workflow}"
examples=docs/examples
[ -n "${DATABASE_URL:-}" ] || { echo "check-cli: DATABASE_URL is not set (run through 'make test')" >&2; exit 1; }
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }

"$bin" migrate >/dev/null
"$bin" publish workflows/ >/dev/null

id=$("$bin" cases create retraite-multi-statuts --data "$examples/retraite.json" --json | field "d['id']")
[ -n "$id" ] && pass || fail "no case created"

state=$("$bin" cases act "$id" deposer --data "$examples/retraite-depot.json" --json | field "d['state']")
[ "$state" = instruction-parts ] && pass || fail "after deposer the case is in '$state', not instruction-parts"

set +e
message=$("$bin" cases act "$id" valider-part 2>&1 >/dev/null)
status=$?
set -e
[ "$status" -eq 1 ] && grep -q "ambiguous-track" <<<"$message" && pass || fail "valider-part without --track: exit $status, $message"

set +e
message=$("$bin" cases act "$id" valider-part --track sre 2>&1 >/dev/null)
status=$?
set -e
[ "$status" -eq 1 ] && grep -q "pension.sre.montant" <<<"$message" && pass || fail "valider-part without its data: exit $status, $message"

version=$("$bin" cases show "$id" --json | field "d['version']")
set +e
"$bin" cases act "$id" valider-part --track sre --data "$examples/retraite-sre.json" --expected-version $((version - 1)) >/dev/null 2>&1
status=$?
set -e
[ "$status" -eq 3 ] && pass || fail "a stale --expected-version should exit 3, got $status"

for track in carriere sre cnracl ircantec; do
    "$bin" cases act "$id" valider-part --track "$track" --data "$examples/retraite-$track.json" --expected-version "$version" >/dev/null \
        && pass || fail "valider-part in track $track"
    version=$((version + 1))
done
[ "$("$bin" cases show "$id" --json | field "d['state']")" = liquidation ] && pass || fail "the tracks did not join into liquidation"

record=$("$bin" cases act "$id" liquider --data "$examples/retraite-liquidation.json" --json)
[ "$(field "d['status'] + '/' + d['outcome']" <<<"$record")" = closed/accepted ] && pass || fail "liquider did not close the case as accepted"
[ "$(field "len([h for h in d['history'] if h['event'] == 'track-finished'])" <<<"$record")" = 4 ] && pass || fail "the history does not show four finished tracks"
"$bin" cases show "$id" | grep -q "joined" && pass || fail "the text history does not show the join"

listed=$("$bin" cases list --workflow retraite-multi-statuts --json | field "[c['status'] for c in d if c['id'] == '$id']")
[ "$listed" = "['closed']" ] && pass || fail "cases list does not show the closed case: $listed"

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
