"""The README's first command ends in demo/demo.py: it must work end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_bundled_demo_succeeds() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "demo" / "demo.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("demo: OK")
    assert "CodeArtifact was asked 1 time(s)" in done.stdout
