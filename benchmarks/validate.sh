#!/usr/bin/env bash
# Validation benchmark: `workflow validate` (release build) on a generated workflow of
# 2,000 states, against reading the same file with libyaml alone, in the same run on the
# same machine. Prints the median of interleaved runs and the ratio; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build/bench
mkdir -p "$out"
states="${STATES:-2000}"
runs="${RUNS:-15}"

swift build -c release --product workflow >/dev/null
bin=$(swift build -c release --show-bin-path)/workflow
python3 benchmarks/generate_workflow.py "$states" > "$out/large.yaml"
cc -O2 -o "$out/yaml_events" benchmarks/yaml_events.c $(pkg-config --cflags --libs yaml-0.1)

"$bin" validate "$out/large.yaml" >/dev/null || { echo "the generated workflow does not validate" >&2; exit 1; }

python3 - "$bin" "$out/yaml_events" "$out/large.yaml" "$runs" "$states" <<'PY'
import json, statistics, subprocess, sys, time
bin, ref, path, runs, states = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
def once(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000
validate, libyaml = [], []
for _ in range(runs):  # interleaved, so that machine noise hits both alike
    validate.append(once([bin, "validate", path]))
    libyaml.append(once([ref, path]))
v, r = statistics.median(validate), statistics.median(libyaml)
lines = sum(1 for _ in open(path, encoding="utf-8"))
print(f"validation of a {states}-state workflow ({lines} lines), median of {runs} runs:")
print(f"  workflow validate   {v:8.1f} ms")
print(f"  libyaml alone       {r:8.1f} ms   (reference: reading the same file, events only)")
print(f"  ratio               {v / r:8.1f} x")
result = {"validate_2000_states": {"value": round(v, 2), "unit": "ms", "reference": "libyaml events only",
                                    "reference_value": round(r, 2), "ratio": round(v / r, 2)}}
with open(".build/bench/validate.json", "w") as f:
    json.dump(result, f, indent=2)
PY
