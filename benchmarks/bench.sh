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
# BENCH_DURABLE=1: a cluster that waits for the disk at every commit (fsync,
# synchronous_commit and full_page_writes on), as in production.
if [ "${BENCH_DURABLE:-0}" = 1 ]; then
    export PARCOURS_TEST_PG_DURABLE=1
    echo "bench: durable cluster (fsync, synchronous_commit, full_page_writes on)"
fi
url=$(scripts/test-postgres.sh start)
trap 'scripts/test-postgres.sh stop' EXIT
psql "$url" -XAtq -c "SELECT 'bench: ' || version()"
python3 benchmarks/harness/main.py "$bin" "$url"
echo "bench: make bench took $(( $(date +%s) - started )) s in all, on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
