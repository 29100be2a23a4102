#!/usr/bin/env bash
# Makes .build/python, a virtual environment with the PyPI packages named, and prints its
# python. Used by the checks whose receivers are small Python systems (scripts/check-webhooks.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/python
if [ ! -x "$venv/bin/python" ]; then
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
        rm -rf "$venv"
        if [ "$(id -u)" = 0 ]; then
            scripts/ensure-packages.sh python3-venv >&2
            python3 -m venv "$venv" >&2
        else
            echo "ensure-python: python3 cannot make a virtual environment; run: sudo apt-get install -y python3-venv" >&2
            exit 1
        fi
    fi
fi
missing=()
for package in "$@"; do
    "$venv/bin/python" -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('${package//-/_}') is None)" 2>/dev/null \
        || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${missing[@]}" >&2
fi
echo "$venv/bin/python"
