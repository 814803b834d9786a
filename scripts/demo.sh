#!/usr/bin/env bash
# Install uvcreds into .venv from this checkout, then run the bundled demo end to end:
# a fake AWS CodeArtifact mints a token, uvcreds exports it, real uv installs with it.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -U pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[demo]'
exec .venv/bin/python demo/demo.py
