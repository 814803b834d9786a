"""A hostile tree cannot hold the prompt (DESIGN.md, "Bounded").

Discovery is linear in what it reads, and past a bound far above real projects it stops:
one line names the bound, and nothing is exported for that project. Real processes on
real trees built in tmp: 16,000 indexes, a `**` member glob over 100,000 directories; and,
below the bounds, a large but honest workspace still gets its variables in time.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.testing.helpers import make_isolated_env, run, uvcreds_cmd

SECRET = "bounded-secret-4711"
LIMIT_SECONDS = 2.0
CONFIG = """\
[[credential]]
url = "https://corp.example/"
provider = "env"
username = "me"
password-env = "CORP_TOKEN"
"""


def _environment(tmp_path: Path) -> dict[str, str]:
    env = make_isolated_env(tmp_path / "env")
    config = Path(env["UVCREDS_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG)
    env["CORP_TOKEN"] = SECRET
    return env


def _project(name: str, indexes: Sequence[str], extra: str = "") -> str:
    text = f'[project]\nname = "{name}"\nversion = "0.1"\n'
    if extra:
        text += extra
    for index in indexes:
        text += f'\n[[tool.uv.index]]\nname = "{index}"\nurl = "https://corp.example/{index}/"\n'
    return text


def _hook(cwd: Path, env: dict[str, str]) -> tuple[float, str, list[str]]:
    """The first `uvcreds hook bash` after `cd` (the full path, no plan yet): the seconds
    of CPU it spent (user and system: its own work, which other tests running beside it on
    a busy machine do not stretch as they stretch the wall clock), stdout and stderr lines.
    A hang is caught by the timeout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = run([*uvcreds_cmd(), "hook", "bash"], env, cwd=cwd, timeout=60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert proc.returncode == 0, proc.stderr
    return seconds, proc.stdout, proc.stderr.splitlines()


def _assert_refused(cwd: Path, env: dict[str, str], bound: str) -> None:
    seconds, stdout, lines = _hook(cwd, env)
    assert seconds < LIMIT_SECONDS, f"hook took {seconds:.2f}s of CPU"
    assert len(lines) == 1 and bound in lines[0], lines
    assert "nothing is exported" in lines[0]
    assert "UV_INDEX_" not in stdout and SECRET not in stdout
    # The shell stats every watched path at each prompt: not the directories listed.
    assert len(stdout) < 10_000, f"{len(stdout)} bytes of hook output"
    export = run([*uvcreds_cmd(), "export"], env, cwd=cwd, timeout=60)
    assert export.returncode == 1 and export.stdout == ""
    assert SECRET not in export.stderr


def test_sixteen_thousand_indexes_are_refused_within_the_bound(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    project = tmp_path / "many"
    project.mkdir()
    (project / "pyproject.toml").write_text(_project("many", [f"i{n}" for n in range(16_000)]))
    _assert_refused(project, env, "MAX_INDEXES")


def test_a_doublestar_glob_over_100000_directories_is_refused_within_the_bound(
    tmp_path: Path,
) -> None:
    env = _environment(tmp_path)
    project = tmp_path / "tree"
    project.mkdir()
    workspace = '\n[tool.uv.workspace]\nmembers = ["**"]\n'
    (project / "pyproject.toml").write_text(_project("tree", ["corp"], workspace))
    for outer in range(100):
        for inner in range(1000):
            os.makedirs(project / f"d{outer}" / f"e{inner}")
    _assert_refused(project, env, "MAX_LISTINGS")


@pytest.mark.parametrize("members", [400])
def test_a_large_honest_workspace_is_exported_in_time(tmp_path: Path, members: int) -> None:
    """Below the bounds: hundreds of members, each with its own index, all bound; every
    variable is exported, and the hook answers in time."""
    env = _environment(tmp_path)
    root = tmp_path / "mono"
    root.mkdir()
    workspace = '\n[tool.uv.workspace]\nmembers = ["packages/**"]\n'
    (root / "pyproject.toml").write_text(_project("mono", ["corp"], workspace))
    for n in range(members):
        member = root / "packages" / f"g{n % 20}" / f"m{n}"
        member.mkdir(parents=True)
        (member / "pyproject.toml").write_text(_project(f"m{n}", [f"m{n}"]))
        (member.parent / "pyproject.toml").write_text(_project(f"g{n % 20}", []))
    seconds, stdout, lines = _hook(root, env)
    assert seconds < LIMIT_SECONDS, f"hook took {seconds:.2f}s of CPU"
    assert lines == []
    assert stdout.count(f"_PASSWORD={SECRET};") == members + 1


def test_a_star_glob_over_100000_sibling_directories_is_refused_within_the_bound(
    tmp_path: Path,
) -> None:
    """One listing, 100,000 matches: the members bound, not the listings one, stops it."""
    env = _environment(tmp_path)
    project = tmp_path / "flat"
    project.mkdir()
    workspace = '\n[tool.uv.workspace]\nmembers = ["*"]\n'
    (project / "pyproject.toml").write_text(_project("flat", ["corp"], workspace))
    for n in range(100_000):
        (project / f"d{n}").mkdir()
    _assert_refused(project, env, "MAX_MEMBERS")
