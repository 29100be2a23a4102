#!/usr/bin/env bash
# make bench: the release build, then every workload on a throwaway PostgreSQL of its own
# (its own state file, so it never reuses nor stops the cluster of a `make test` running
# meanwhile); prints a table and writes .build/bench/results.json. Asserts nothing about
# time. Sizes and durations: the BENCH_* variables read in benchmarks/harness/*.py.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
mkdir -p .build/bench
echo "bench: release build"
swift build -c release --product workflow
bin=$(swift build -c release --show-bin-path)/workflow
echo "bench: built in $(( $(date +%s) - started )) s"
benchmarks/validate.sh
export PARCOURS_TEST_PG_STATE="$PWD/.build/bench/postgres.env"
url=$(scripts/test-postgres.sh start)
trap 'scripts/test-postgres.sh stop' EXIT
psql "$url" -XAtq -c "SELECT 'bench: ' || version()"
python3 benchmarks/harness/main.py "$bin" "$url"
echo "bench: make bench took $(( $(date +%s) - started )) s in all, on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
