#!/usr/bin/env bash
# Example cases for `make run`, so that a first look at the pages shows work to do: on a
# database without any case, creates retirement cases at several points of their path (one
# with its four pension bodies at work, one with a part validated, one escalated for an
# unknown career status) and an identity-card request. Creates nothing when cases exist.
# Uses the command line (recorded as cli:NAME), on DATABASE_URL or the private cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${WORKFLOW_BIN:-.build/debug/workflow}"
examples=docs/examples

existing=$("$bin" cases list --limit 1 --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
if [ "$existing" != 0 ]; then
    echo "seed-examples: the database already has cases; none added"
    exit 0
fi

create() { # WORKFLOW DATAFILE: prints the new case's id
    "$bin" cases create "$1" --data "$2" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
act() { # ID ACTION [DATAFILE] [TRACK]
    local args=("$1" "$2")
    [ -n "${3:-}" ] && args+=(--data "$3")
    [ -n "${4:-}" ] && args+=(--track "$4")
    "$bin" cases act "${args[@]}" >/dev/null
}

along=$(create retraite-multi-statuts $examples/retraite.json)
act "$along" deposer $examples/retraite-depot.json
further=$(create retraite-multi-statuts $examples/retraite.json)
act "$further" deposer $examples/retraite-depot.json
act "$further" valider-part $examples/retraite-sre.json sre
act "$further" valider-part $examples/retraite-ircantec.json ircantec
escalated=$(create retraite-multi-statuts $examples/retraite-statuts-incomplets.json)
act "$escalated" deposer $examples/retraite-depot.json
create passeport-identite $examples/passeport.json >/dev/null
echo "seed-examples: 4 example cases created (retirement: $along, $further, $escalated; and an identity card)"
