"""`uvcreds hook`: the change against this shell's state, problems said once, never exit 1.

Driven step by step in one real bash process (the interactive snippets are tested in
tests/shells; this is the command they call).
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.testing.helpers import credential, run, uvcreds_cmd, write_project, write_user_config


@pytest.fixture
def project(tmp_path: Path, isolated_env: dict[str, str]) -> Path:
    write_project(tmp_path / "project", [("corp", "https://corp.example/simple/")])
    write_user_config(
        isolated_env, credential("https://corp.example/", "CORP_TOKEN", username="me")
    )
    return tmp_path / "project"


def steps(env: dict[str, str], cwd: Path, script: str) -> str:
    """Run `script` in bash; `step N` evaluates the hook, its stderr going to err.N."""
    hook = shlex.join([*uvcreds_cmd(), "hook", "bash"])
    prelude = f'step() {{ eval "$({hook} 2>"err.$1")"; echo "rc.$1=$?" >> status; }}\n'
    done = run(["bash", "-c", prelude + script], env, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_entering_and_leaving_restores_what_the_user_had(
    project: Path, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**isolated_env, "CORP_TOKEN": "tok"}
    out = steps(
        env,
        tmp_path,
        "export UV_INDEX_CORP_PASSWORD=users-own\n"
        'cd project; step 1; echo "in:$UV_INDEX_CORP_USERNAME:$UV_INDEX_CORP_PASSWORD"\n'
        'cd ..; step 2; echo "out:${UV_INDEX_CORP_USERNAME-unset}:$UV_INDEX_CORP_PASSWORD"\n',
    )
    assert out.splitlines() == ["in:me:tok", "out:unset:users-own"]


def test_nothing_changed_prints_no_variable(project: Path, isolated_env: dict[str, str]) -> None:
    env = {**isolated_env, "CORP_TOKEN": "tok"}
    hook = shlex.join([*uvcreds_cmd(), "hook", "bash"])
    out = steps(env, project, f'step 1; {hook} | grep -c "^export UV_INDEX_" || true\n')
    assert out.strip() == "0"


def test_a_problem_is_said_once_per_change_and_never_fails_the_prompt(
    project: Path, isolated_env: dict[str, str]
) -> None:
    steps(
        isolated_env,
        project,
        "step 1; step 2\nexport CORP_TOKEN=now-set; step 3\nunset CORP_TOKEN; step 4; step 5\n",
    )
    said = {n: (project / f"err.{n}").read_text() for n in range(1, 6)}
    config = isolated_env["UVCREDS_CONFIG"]
    problem = (
        f"uvcreds: index 'corp': set CORP_TOKEN (named in {config} ([[credential]] "
        "https://corp.example/)) in the environment or the project's .env\n"
    )
    assert said == {1: problem, 2: "", 3: "", 4: problem, 5: ""}
    assert (project / "status").read_text().split() == [f"rc.{n}=0" for n in range(1, 6)]


def test_a_broken_config_still_answers(project: Path, isolated_env: dict[str, str]) -> None:
    (project / "pyproject.toml").write_text("[tool.uv\n")
    out = steps(isolated_env, project, 'step 1; echo "state:${UVCREDS_STATE:+set}"\n')
    assert out.strip() == "state:set"
    assert (project / "err.1").read_text().startswith(f"uvcreds: {project / 'pyproject.toml'}:")
    assert (project / "status").read_text().split() == ["rc.1=0"]
