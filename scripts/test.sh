#!/usr/bin/env bash
# The whole test suite, from a fresh Linux machine with Python 3.9+: the shells and tools
# the tests drive (zsh, fish, direnv, strace) from apt when missing, a venv with uvcreds
# and its test dependencies, then lint, types and every test (three pytest workers: the
# tests mostly wait on uv, shells and local servers).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in bash zsh fish direnv strace; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
        echo "scripts/test.sh: install ${missing[*]} (no root and no sudo here)" >&2
        exit 1
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -U pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]' --group dev

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/pytest -n 3 "$@"
