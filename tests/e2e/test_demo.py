"""The README's first command, `scripts/demo.sh`, word for word, from a fresh copy of this
checkout, as a new user runs it: it makes the copy's `.venv` (from the package registry, so
`network_install`), installs uvcreds there and runs the bundled demo end to end.

tests/e2e/test_readme.py's runner for this command delegates here, so the demo runs once.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.testing.helpers import make_isolated_env, run

ROOT = Path(__file__).resolve().parents[2]
COMMAND = "scripts/demo.sh"


def fresh_copy(destination: Path) -> Path:
    """The checkout's files as a clone would have them (tracked, and untracked ones not
    ignored, so uncommitted work counts), less any virtual environment inside it."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        parents = source.relative_to(ROOT).parents
        if not source.is_file() or any((ROOT / d / "pyvenv.cfg").exists() for d in parents):
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return destination


@pytest.mark.network_install
def test_scripts_demo_sh_works_from_a_fresh_copy(tmp_path: Path) -> None:
    checkout = fresh_copy(tmp_path / "checkout")
    assert not (checkout / ".venv").exists()
    done = run(["bash", "-c", COMMAND], make_isolated_env(tmp_path / "env"), checkout, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("demo: OK")
    assert "CodeArtifact was asked 1 time(s), Google 1," in done.stdout
    for vendor in ("AWS CodeArtifact", "Google Artifact Registry", "Azure Artifacts", "JFrog"):
        # Each vendor on each route; the keyring and store routes with no password variable.
        assert f"# {vendor}" in done.stdout and f"  {vendor}" in done.stdout  # and the real one
    assert done.stdout.count("\n  locked\n") == 11  # JFrog's token stays out of uv's store
    assert done.stdout.count("\n  0\n  locked\n") == 7
    assert (checkout / ".venv" / "bin" / "uvcreds").is_file()
