#!/usr/bin/env bash
# Where the worker's time goes: the release build, a throwaway PostgreSQL of its own with
# pg_stat_statements, then one worker draining bench-chaine under `perf record -a -g`.
# Prints the split of both cores (worker, PostgreSQL, idle), the worker's hot functions and
# the server's statements; writes .build/profile/worker-profile.txt. Needs perf (Debian's
# linux-perf) and the permission to sample every CPU (root, or kernel.perf_event_paranoid
# at -1). Not part of make test or make bench.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v perf >/dev/null || { echo "profile-worker: perf is missing; install it with: apt-get install linux-perf" >&2; exit 1; }
mkdir -p .build/profile
swift build -c release --product workflow
bin=$(swift build -c release --show-bin-path)/workflow
export PARCOURS_TEST_PG_STATE="$PWD/.build/profile/postgres.env"
url=$(scripts/test-postgres.sh start)
trap 'scripts/test-postgres.sh stop' EXIT
psql "$url" -XAtq -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
scripts/test-postgres.sh restart >/dev/null
python3 benchmarks/harness/profile_worker.py "$bin" "$url"
