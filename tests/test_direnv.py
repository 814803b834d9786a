"""`.envrc.example` works in real direnv: allowed, it exports the credentials."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from tests.helpers import credential, run, write_project, write_user_config

ROOT = Path(__file__).resolve().parent.parent


def test_envrc_example_exports_the_credentials(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    project = tmp_path / "project"
    write_project(project, [("corp", "https://corp.example/simple/")])
    shutil.copy(ROOT / ".envrc.example", project / ".envrc")
    write_user_config(
        isolated_env, credential("https://corp.example/", "CORP_TOKEN", username="me")
    )
    env = {
        **isolated_env,
        "CORP_TOKEN": "it's a $(secret)",
        "PATH": f"{Path(sys.executable).parent}:{isolated_env['PATH']}",
    }
    blocked = run(["direnv", "export", "json"], env, cwd=project)
    assert "is blocked" in blocked.stderr

    assert run(["direnv", "allow", "."], env, cwd=project).returncode == 0
    exported = run(["direnv", "export", "json"], env, cwd=project)
    assert exported.returncode == 0, exported.stderr
    values = json.loads(exported.stdout)
    assert values["UV_INDEX_CORP_USERNAME"] == "me"
    assert values["UV_INDEX_CORP_PASSWORD"] == "it's a $(secret)"
