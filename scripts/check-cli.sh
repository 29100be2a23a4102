#!/usr/bin/env bash
# End-to-end check of the case commands against a real PostgreSQL (DATABASE_URL, as
# `make test` sets it): a retirement case from deposit to liquidation through its four
# parallel tracks, the refusals a person would meet on the way, and the history; then
# escalations resolved by an override, a hand-over, a correction and "evaluate again",
# and the overrides listed. The same steps are shown in docs/walkthrough.md. Last, an agent's
# rights changed with `agents update`, and a case moved to a new version of its workflow.
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
# In parallel work the case waits on each body of an open track, not on "engine".
moves=$("$bin" cases show "$id" --json | field "','.join(d['whose_move'])")
[[ ",$moves," == *",cnracl,"* && ",$moves," == *",sre,"* && ",$moves," != *",engine,"* ]] && pass || fail "whose_move after deposer is '$moves'"
grep -q "whose move  .*cnracl" <<<"$("$bin" cases show "$id")" && pass || fail "the text does not say the CNRACL holds the case"

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
grep -q "joined" <<<"$("$bin" cases show "$id")" && pass || fail "the text history does not show the join"

listed=$("$bin" cases list --workflow retraite-multi-statuts --json | field "[c['status'] for c in d if c['id'] == '$id']")
[ "$listed" = "['closed']" ] && pass || fail "cases list does not show the closed case: $listed"

# Escalations resolved by an operator. A passport case escalated by a person
# ('cases raise'), resolved by an override with its justification, then closed and
# reopened by another override; both are listed by 'workflow overrides'.
day=$(date -u +%F)
pid=$("$bin" cases create passeport-identite --data "$examples/passeport.json" --json | field "d['id']")
record=$("$bin" cases raise "$pid" agent-raised --note "Rendez-vous pris hors ANTS" --json)
[ "$(field "[e['reason'] + '@' + e['queue'] for e in d['escalations']]" <<<"$record")" = "['agent-raised@supervision-cert']" ] \
    && pass || fail "raise agent-raised did not open an escalation in supervision-cert: $record"

set +e
message=$("$bin" cases raise "$pid" suspicion-fraud 2>&1 >/dev/null)
status=$?
set -e
[ "$status" -eq 1 ] && grep -q "unknown-exception" <<<"$message" && grep -q "suspicion-fraude" <<<"$message" \
    && pass || fail "raise with an unknown exception code: exit $status, $message"

for blank in "" "   "; do
    set +e
    if [ -z "$blank" ]; then
        message=$("$bin" cases override "$pid" instruction 2>&1 >/dev/null)
    else
        message=$("$bin" cases override "$pid" instruction --note "$blank" 2>&1 >/dev/null)
    fi
    status=$?
    set -e
    [ "$status" -ne 0 ] && [ "$status" -ne 3 ] && grep -q "needs a written justification" <<<"$message" && grep -q -- "--note" <<<"$message" \
        && pass || fail "override without a note ('$blank'): exit $status, $message"
done
[ "$("$bin" cases show "$pid" --json | field "d['version']")" = 2 ] && pass || fail "a refused override changed the case"

set +e
message=$("$bin" cases override "$pid" instructoin --note "x" 2>&1 >/dev/null)
status=$?
set -e
[ "$status" -eq 1 ] && grep -q "unknown-state" <<<"$message" && grep -q "did you mean 'instruction'" <<<"$message" \
    && pass || fail "override to an unknown state: exit $status, $message"

record=$("$bin" cases override "$pid" instruction --note "Pièces vérifiées au guichet" --expected-version 2 --json)
[ "$(field "d['state'] + '/' + str(len(d['escalations']))" <<<"$record")" = instruction/0 ] \
    && pass || fail "the override did not move the case to instruction and close its escalation"

"$bin" cases act "$pid" annuler-demande --note "doublon" >/dev/null
record=$("$bin" cases override "$pid" instruction --note "Recours : annulée par erreur" --json)
[ "$(field "d['status'] + '/' + d['state']" <<<"$record")" = open/instruction ] && pass || fail "the override did not reopen the closed case"

listed=$("$bin" overrides --workflow passeport-identite --since "$day" --json \
    | field "[o['from_state'] + '>' + o['to_state'] + ' ' + o['note'] + ' ' + str(o['reopened']) for o in d if o['case_id'] == '$pid']")
[ "$listed" = "['demande-annulee>instruction Recours : annulée par erreur True', 'pre-demande>instruction Pièces vérifiées au guichet False']" ] \
    && pass || fail "workflow overrides does not list the case's two overrides, newest first: $listed"
grep "$pid" <<<"$("$bin" overrides --limit 5)" | grep -q "pre-demande → instruction.*note: \"Pièces vérifiées au guichet\"" \
    && pass || fail "the text list of overrides does not show the override"
[ "$("$bin" overrides --since 2999-01-01T00:00:00Z --json)" = "[]" ] && pass || fail "overrides --since in the future is not empty"
set +e
message=$("$bin" overrides --since yesterday 2>&1 >/dev/null)
status=$?
set -e
[ "$status" -ne 0 ] && grep -q "neither a day" <<<"$message" && pass || fail "overrides --since yesterday: exit $status, $message"

# A retirement case whose state service was left out at entry: the automatic check
# escalates it (statut-inconnu); the escalation is handed to the ministry's queue, the
# data corrected, and evaluating again sends the case on to the four tracks.
rid=$("$bin" cases create retraite-multi-statuts --data "$examples/retraite-statuts-incomplets.json" --json | field "d['id']")
record=$("$bin" cases act "$rid" deposer --data "$examples/retraite-depot.json" --json)
[ "$(field "d['state'] + ' ' + str([e['reason'] + '@' + e['queue'] for e in d['escalations']])" <<<"$record")" \
    = "controle-dossier ['statut-inconnu@cellule-coordination']" ] && pass || fail "the incomplete statuses did not escalate: $record"
task=$(field "d['escalations'][0]['id']" <<<"$record")

record=$("$bin" cases hand-over "$rid" "$task" rh-carriere --note "Le CMG a le dossier papier" --json)
[ "$(field "str([e['reason'] + '@' + e['queue'] for e in d['escalations']]) + ' ' + str(d['escalations'][0]['id'] != '$task')" <<<"$record")" \
    = "['statut-inconnu@rh-carriere'] True" ] && pass || fail "hand-over did not move the escalation to rh-carriere: $record"
set +e
message=$("$bin" cases hand-over "$rid" "$task" cellule-coordination 2>&1 >/dev/null)
status=$?
set -e
[ "$status" -eq 1 ] && grep -q "unknown-task" <<<"$message" && pass || fail "handing over a closed task: exit $status, $message"

set +e
message=$(echo '{"carriere": {"statuts": ["militaire"]}}' | "$bin" cases correct "$rid" --data - 2>&1 >/dev/null)
status=$?
set -e
[ "$status" -eq 1 ] && grep -q "invalid-data (field carriere.statuts" <<<"$message" && pass || fail "an invalid correction: exit $status, $message"

version=$("$bin" cases show "$rid" --json | field "d['version']")
set +e
"$bin" cases correct "$rid" --data "$examples/retraite-correction-statuts.json" --expected-version $((version - 1)) >/dev/null 2>&1
status=$?
set -e
[ "$status" -eq 3 ] && pass || fail "a correction with a stale --expected-version should exit 3, got $status"
record=$("$bin" cases correct "$rid" --data "$examples/retraite-correction-statuts.json" --note "Services de l'État oubliés à la saisie" \
    --expected-version "$version" --json)
[ "$(field "d['state'] + ' ' + str('fonctionnaire_etat' in d['data']['carriere']['statuts'])" <<<"$record")" = "controle-dossier True" ] \
    && pass || fail "the correction did not change the data, or moved the case: $record"

record=$("$bin" cases evaluate "$rid" --note "Statuts corrigés" --expected-version $((version + 1)) --json)
[ "$(field "d['state'] + ' ' + str(len(d['escalations'])) + ' ' + str(len(d['tracks']))" <<<"$record")" = "instruction-parts 0 4" ] \
    && pass || fail "evaluate did not send the corrected case to its four tracks: $record"
[ "$(field "[h['event'] for h in d['history'] if h['event'] in ('handed-over', 'data-corrected', 'evaluated')]" <<<"$record")" \
    = "['handed-over', 'data-corrected', 'evaluated']" ] && pass || fail "the history does not show the hand-over, correction and evaluation"

# An agent whose rights change: each change journaled with the operator who made it, and the
# agent's sessions on the pages ended when it loses a role or a right, not when it gains one.
who="cli-update-$$"
"$bin" agents add "$who" --agency armees --roles gestionnaire-rh --oidc-email "$who@armees.example" >/dev/null 2>&1
# A session of the pages, as a sign-in opens one (only the hash of the cookie's id is stored).
psql "$DATABASE_URL" -XAtq -v ON_ERROR_STOP=1 -c "INSERT INTO web_sessions (id_sha256, agent_id, csrf, expires_at)
    VALUES (encode(sha256('$who'::bytea), 'hex'), '$who', repeat('x', 43), now() + interval '1 hour')" >/dev/null
record=$("$bin" agents update "$who" --add-roles medecin-conseil --supervisor --json 2>/dev/null)
[ "$(field "str(d['roles']) + ' ' + str(d['supervisor']) + ' ' + str(d['sessions_ended']) + ' ' + d['oidc_email']" <<<"$record")" \
    = "['gestionnaire-rh', 'medecin-conseil'] True 0 $who@armees.example" ] && pass || fail "agents update --add-roles --supervisor: $record"
out=$("$bin" agents update "$who" --remove-roles medecin-conseil --no-supervisor 2>/dev/null)
grep -q "^updated: $who  agency armees  roles gestionnaire-rh " <<<"$out" && grep -q "sessions ended: 1" <<<"$out" \
    && pass || fail "agents update --remove-roles did not end the session: $out"
[ "$(psql "$DATABASE_URL" -XAtq -c "SELECT count(*) FROM web_sessions WHERE agent_id = '$who'")" = 0 ] && pass || fail "the session outlived the lost role"
[ "$(psql "$DATABASE_URL" -XAtq -c "SELECT count(*) FROM agent_changes WHERE agent_id = '$who' AND changed_by LIKE 'cli:%'")" = 2 ] \
    && pass || fail "the two changes of $who are not journaled with their operator"
"$bin" agents list | grep -q "signs in with e-mail $who@armees.example" && pass || fail "agents list does not show the sign-in e-mail"
journal=$("$bin" agents changes "$who" --json)
[ "$(field "[(e['by'][:4], e['before']['supervisor'], e['after']['supervisor'], e['sessions_ended']) for e in d]" <<<"$journal")" \
    = "[('cli:', False, True, 0), ('cli:', True, False, 1)]" ] && pass || fail "agents changes: $journal"
set +e
"$bin" agents update "$who" >/dev/null 2>&1
status=$?
"$bin" agents revoke "$who" >/dev/null 2>&1
message=$("$bin" agents update "$who" --roles gestionnaire-rh,medecin-conseil 2>&1 >/dev/null)
revoked=$?
set -e
[ "$status" -ne 0 ] && [ "$revoked" -eq 1 ] && grep -q "revoked" <<<"$message" && pass \
    || fail "agents update with nothing to change exited $status; on a revoked agent $revoked: $message"

# Moving cases to a new version (docs/migration.md), on a copy of the retirement workflow under
# an id of its own: the other checks keep creating their cases on version 1 of the examples.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wid="retraite-migration-$$"
sed "s/^id: retraite-multi-statuts$/id: $wid/" workflows/retraite-multi-statuts.yaml >"$tmp/v1.yaml"
sed "s/^id: retraite-multi-statuts$/id: $wid/" docs/examples/retraite-multi-statuts-v2.yaml >"$tmp/v2.yaml"
set +e
out=$("$bin" diff "$tmp/v1.yaml" "$tmp/v2.yaml" --json)
status=$?
set -e
[ "$status" -eq 1 ] && [ "$(field "[c['name'] for c in d['changes'] if c['change'] == 'added' and c['section'] == 'states'][0]" <<<"$out")" = avis-medical ] \
    && pass || fail "diff of two files: exit $status, $out"
set +e
message=$("$bin" diff "$tmp/v1.yaml" workflows/passeport-identite.yaml 2>&1 >/dev/null)
status=$?
set -e
[ "$status" -eq 2 ] && grep -q "two versions of one workflow" <<<"$message" && pass || fail "diff of two different workflows: exit $status, $message"
"$bin" publish "$tmp/v1.yaml" >/dev/null
mid=$("$bin" cases create "$wid" --data "$examples/retraite.json" --json | field "d['id']")
"$bin" publish "$tmp/v2.yaml" >/dev/null
out=$("$bin" diff --workflow "$wid" 1 2 || true)   # exit 1: the versions differ
grep -q "sla: 1mo -> 3w" <<<"$out" && pass || fail "diff between two published versions: $out"
out=$("$bin" cases migrate --workflow "$wid" --to-version 2 --map expertise-medicale=avis-medical --dry-run --json)
[ "$(field "d['counts']['fits']" <<<"$out")" = 1 ] && [ "$("$bin" cases show "$mid" --json | field "d['workflow_version']")" = 1 ] \
    && pass || fail "the dry run did not find the case fitting, or moved it: $out"
"$bin" cases migrate --workflow "$wid" --to-version 2 --map expertise-medicale=avis-medical | grep -q ": 1 migrated$" \
    && pass || fail "the migration did not move the case"
[ "$("$bin" cases show "$mid" --json | field "[d['workflow_version'], [h['event'] for h in d['history']].count('migrated')]")" = "[2, 1]" ] \
    && pass || fail "the case is not on version 2 with one 'migrated' line"
set +e
message=$("$bin" cases migrate --workflow "$wid" --to-version 2 --map expertise-medicale=nulle-part 2>&1 >/dev/null)
status=$?
set -e
[ "$status" -eq 2 ] && grep -q "nulle-part" <<<"$message" && pass || fail "a mapping to no state: exit $status, $message"
set +e
message=$("$bin" cases migrate --workflow "$wid" --to-version 9 --map bad --map inconnu=depot --state nulle 2>&1 >/dev/null)
status=$?
set -e
[ "$status" -eq 2 ] && grep -q "^error: 4 problems:$" <<<"$message" && [ "$(grep -c "'bad'" <<<"$message")" = 1 ] \
    && grep -q -- "--state: 'nulle'" <<<"$message" && grep -q -- "--to-version: no version 9" <<<"$message" \
    && pass || fail "every problem of a migration once, by its option: exit $status, $message"

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
