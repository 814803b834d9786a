"""Warm `uvcreds export` in a project with three indexes, against bare `python -I -c pass`.

Target (issue 3): ratio <= 2.0. Both are timed in alternation in the same run, so the
ratio holds on a noisy machine even when the milliseconds do not.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import clean_env, installed_uvcreds, interleaved

PROJECT = """\
[project]
name = "bench"
version = "0"

[[tool.uv.index]]
name = "acme-jfrog"
url = "https://acme.jfrog.io/artifactory/api/pypi/pypi-local/simple"

[[tool.uv.index]]
name = "corp.internal"
url = "https://pypi.corp.example/simple/"

[[tool.uv.index]]
name = "Team_9"
url = "https://team9.example/simple/"
"""

CONFIG = """\
[[credential]]
url = "https://acme.jfrog.io/artifactory/api/pypi/"
provider = "jfrog"
password-env = "JFROG_TOKEN"

[[credential]]
url = "https://pypi.corp.example/"
provider = "env"
username = "ci"
password-env = "CORP_TOKEN"

[[credential]]
url = "https://team9.example/"
provider = "env"
username-env = "TEAM9_USER"
password-env = "TEAM9_TOKEN"
"""


def main() -> None:
    python, uvcreds = installed_uvcreds()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "project").mkdir()
        (root / "project" / "pyproject.toml").write_text(PROJECT)
        (root / "config.toml").write_text(CONFIG)
        env = clean_env(root)
        env.update(JFROG_TOKEN="j", CORP_TOKEN="c", TEAM9_USER="u", TEAM9_TOKEN="t")
        medians = interleaved(
            {
                "python -I -c pass": [python, "-I", "-c", "pass"],
                "uvcreds export": [uvcreds, "export"],
            },
            env,
            root / "project",
            rounds=20,
        )
    baseline, warm = medians["python -I -c pass"], medians["uvcreds export"]
    print(f"python -I -c pass      {baseline * 1000:7.1f} ms (median)")
    print(f"uvcreds export (warm)  {warm * 1000:7.1f} ms (median, 3 indexes)")
    print(f"ratio                  {warm / baseline:7.2f}   (target <= 2.0)")


if __name__ == "__main__":
    main()
