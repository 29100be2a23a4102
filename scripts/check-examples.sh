#!/usr/bin/env bash
# End-to-end check of the command line on the example workflows: they validate with
# exit 0, every broken fixture fails with exit 1 and the diagnostic it expects, and each
# example's diagram renders to SVG with Graphviz.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${WORKFLOW_BIN:-.build/debug/workflow}"
out=".build/examples"
mkdir -p "$out"
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

if "$bin" validate workflows/*.yaml; then pass; else fail "workflow validate workflows/*.yaml exited $?"; fi

for example in workflows/*.yaml; do
    name=$(basename "$example" .yaml)
    if "$bin" graph "$example" | dot -Tsvg > "$out/$name.svg" && grep -q "<svg" "$out/$name.svg"; then pass; else fail "graph $example did not render"; fi
    if grep -q "^flowchart TD" <<<"$("$bin" graph --format mermaid "$example")"; then pass; else fail "mermaid graph of $example"; fi
done

# Each fixture names the diagnostic it expects on its first line: "# expect: LINE:COL: severity: text".
for fixture in Tests/WorkflowTests/Fixtures/invalid/*.yaml; do
    expected=$(sed -n '1s/^# expect: //p' "$fixture")
    [ -n "$expected" ] || continue
    set +e
    output=$("$bin" validate "$fixture" 2>&1)
    status=$?
    set -e
    # A fixture whose expected diagnostic is a warning must still validate (exit 0).
    want=1
    case "$expected" in *": warning: "*) want=0 ;; esac
    if [ "$status" -eq "$want" ] && grep -qF "$fixture:$expected" <<<"$output"; then pass; else fail "$fixture: expected '$expected' with exit $want, got exit $status: $output"; fi
done

set +e
"$bin" validate does-not-exist.yaml >/dev/null 2>&1
status=$?
set -e
if [ "$status" -eq 2 ]; then pass; else fail "an unreadable file should exit 2, got $status"; fi

echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
