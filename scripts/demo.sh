#!/usr/bin/env bash
# Install uvcreds into .venv from this checkout, then run the bundled demo end to end:
# fakes of AWS CodeArtifact, Google Artifact Registry, Azure Artifacts and JFrog hand out
# credentials, uvcreds exports them (and answers as uv's keyring), real uv installs with them.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -U pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[demo]'
exec .venv/bin/python demo/demo.py
