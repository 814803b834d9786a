"""The warm path answers from the plan and the cache without importing anything heavy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.testing.helpers import credential, run, uvcreds_cmd, write_project, write_user_config

HEAVY = ("click", "boto3", "botocore", "google", "filelock", "dotenv", "tomllib", "tomli", "typing")


def imported_modules(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[set[str], bytes]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "uvcreds", *argv],
        env=env,
        cwd=cwd,
        capture_output=True,
        check=True,
    )
    names = {
        line.split("|")[-1].strip()
        for line in result.stderr.decode().splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return names, result.stdout


@pytest.fixture
def project(tmp_path: Path, isolated_env: dict[str, str]) -> Path:
    write_project(tmp_path / "p", [("corp", "https://corp.example/simple/")])
    write_user_config(isolated_env, credential("https://corp.example/", "T"))
    isolated_env["T"] = "tok"
    return tmp_path / "p"


@pytest.mark.parametrize("argv", [["export"], ["export", "--format", "json"], ["hook", "bash"]])
def test_warm_run_imports_nothing_heavy(
    argv: list[str], project: Path, isolated_env: dict[str, str]
) -> None:
    cold, cold_out = imported_modules(argv, isolated_env, project)
    assert "uvcreds.uv.discovery" in cold  # the first run takes the full path and saves a plan
    assert "click" not in cold  # a plain export or hook needs no command-line parser
    warm, warm_out = imported_modules(argv, isolated_env, project)
    heavy = sorted(m for m in warm if m.split(".")[0] in HEAVY)
    assert heavy == []
    if argv[0] == "export":
        assert warm_out == cold_out


def test_an_edit_sends_the_next_run_down_the_full_path(
    project: Path, isolated_env: dict[str, str]
) -> None:
    run([*uvcreds_cmd(), "export"], isolated_env, cwd=project)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('name = "corp"', 'name = "corp2"'))
    modules, out = imported_modules(["export"], isolated_env, project)
    assert "uvcreds.uv.discovery" in modules
    assert b"UV_INDEX_CORP2_PASSWORD=tok" in out


def test_a_changed_secret_is_read_fresh_on_the_warm_path(
    project: Path, isolated_env: dict[str, str]
) -> None:
    run([*uvcreds_cmd(), "export"], isolated_env, cwd=project)
    modules, out = imported_modules(["export"], {**isolated_env, "T": "rotated"}, project)
    assert "uvcreds.uv.discovery" not in modules
    assert b"UV_INDEX_CORP_PASSWORD=rotated" in out
