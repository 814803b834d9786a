"""Index names, table keys and URLs from a hostile project: rejected or safe, reported in one
printable line each, never a traceback, never a raw control character on the terminal."""

from __future__ import annotations

import re
import string
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.testing.helpers import make_isolated_env, toml_str, uvcreds_cmd
from tests.testing.hostile import INJECTIONS, NO_SHRINK, assert_clean_stderr
from uvcreds import names as envnames

VARIABLE = re.compile(r"^UV_INDEX_[A-Z0-9_]*_(USERNAME|PASSWORD)$")
_NAME_PIECES = st.one_of(
    st.text(string.ascii_letters + string.digits + "-_.", max_size=6),
    st.sampled_from(INJECTIONS),
    st.text(max_size=4),
    st.sampled_from(["\u0130", "\u0131", "\u017f", "\u212a", "\u00df", "\uff21", "\u0660"]),
)
names = st.lists(_NAME_PIECES, max_size=4).map("".join)


@given(name=st.one_of(names, st.text()))
@settings(max_examples=2000, deadline=None)
def test_a_name_is_rejected_or_gives_plain_variable_names(name: str) -> None:
    problem = envnames.name_problem(name)
    if problem is None:
        assert VARIABLE.match(envnames.username_var(name)), name
        assert VARIABLE.match(envnames.password_var(name)), name
        assert envnames.username_var(name).isascii()
    else:
        assert problem.isprintable(), problem


def _one_word(name: str) -> bool:
    """A name that survives in `UV_INDEX=name=url` (split at whitespace, cut at `=`)."""
    return name.split() == [name] and "=" not in name and ":" not in name and "\0" not in name


bad_names = st.lists(
    names.filter(lambda n: envnames.name_problem(n) is not None),
    min_size=1,
    max_size=6,
    unique=True,
)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="uvcreds-names-") as directory:
        yield Path(directory)


@given(
    project_names=bad_names,
    env_names=st.lists(names.filter(_one_word), max_size=3, unique=True),
    table_keys=st.lists(st.text(min_size=1, max_size=8), max_size=2, unique=True),
    url_part=names,
)
@settings(
    max_examples=8,
    deadline=None,
    phases=NO_SHRINK,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_hostile_names_and_urls_through_the_cli(
    scratch: Path,
    project_names: list[str],
    env_names: list[str],
    table_keys: list[str],
    url_part: str,
) -> None:
    """Each bad name is one line saying what uv allows; a URL shows no raw control character."""
    with tempfile.TemporaryDirectory(dir=scratch) as root_name:
        root = Path(root_name)
        env = make_isolated_env(root / "env")
        project = root / "repo"
        project.mkdir()
        entries = [(n, f"https://h{i}.example/simple/") for i, n in enumerate(project_names)]
        entries.append(("acme", f"https://acme.jfrog.io/artifactory/api/pypi/{url_part}/simple"))
        lines = ['[project]\nname = "repo"\nversion = "0"\n[tool.uv]']
        for name, url in entries:
            lines.append(f"[[tool.uv.index]]\nname = {toml_str(name)}\nurl = {toml_str(url)}")
        lines.append("[tool.uvcreds.index]")
        lines.extend(f"{toml_str(key)} = 5" for key in table_keys)
        (project / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        bad_env = [n for n in env_names if envnames.name_problem(n) is not None]
        env["UV_INDEX"] = " ".join(
            f"{n}=https://e{i}.example/simple/" for i, n in enumerate(env_names)
        )
        # One line per bad name and table key, and (but from status, which fetches nothing)
        # one for the JFrog index that no secret is bound to.
        problems = len(project_names) + len(bad_env) + len(table_keys)
        for args, status, unbound in (
            (["export"], 1, 1),
            (["export", "--format", "json"], 1, 1),
            (["hook", "bash"], 0, 1),
            (["status"], 1 if problems else 0, 0),  # status exits 1 on an error it shows
            (["--debug", "export"], 1, 1),
        ):
            done = subprocess.run(
                [*uvcreds_cmd(), *args], env=env, cwd=project, capture_output=True, timeout=60
            )
            stderr = done.stderr.decode("utf-8")
            messages = assert_clean_stderr(stderr)
            assert done.returncode == status, (args, stderr)
            if args[0] != "--debug":
                assert len(messages) == problems + unbound, (args, stderr)
            if args == ["status"]:
                stdout = done.stdout.decode("utf-8")
                assert all(line.isprintable() for line in stdout.splitlines()), stdout
            for name in project_names + bad_env:
                assert f"index name {name!r} has " in stderr
        assert sorted(p.name for p in project.iterdir()) == ["pyproject.toml"]


def test_a_bad_shell_name_is_a_usage_error_in_one_printable_line(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    for args in (["hook", "\x1b[2Jbash"], ["init", "zsh\n;rm"], ["export", "--format", "\x9bsh"]):
        done = subprocess.run(
            [*uvcreds_cmd(), *args], env=isolated_env, cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 2 and done.stdout == ""
        assert "Traceback" not in done.stderr
        assert all(line.isprintable() for line in done.stderr.splitlines()), done.stderr
