"""The snippets' own promises, each in the real shells: Ctrl-C, the user's traps, the two
PROMPT_COMMAND forms, an executable path that needs quoting, and the subdirectory rule."""

from __future__ import annotations

import shlex
import subprocess
import time
from pathlib import Path

import pytest

from tests.testing.helpers import credential, write_project, write_user_config
from tests.testing.shells import SHELLS, Session, make_env, write_logging_uvcreds
from uvcreds.pipeline import resolve
from uvcreds.routes.env.shells import SHELLS as MODULES
from uvcreds.state.paths import Locations

# What a slow evaluation looks like to each shell: set A, say it started, wait (builtins
# only, like real output) until the test says go, set B, then say "evaluated here, nothing
# due, nothing watched" so later prompts stay quiet.
_SLOW = {
    "bash": "export A=1;\n: > {started};\nwhile [[ ! -e {go} ]]; do :; done;\nexport B=2;\n{state}",
    "fish": "set -gx A 1;\ntrue > {started};\nwhile not test -e {go}; end;\nset -gx B 2;\n{state}",
}
_SLOW["zsh"] = _SLOW["bash"]


def _run(shell: str, script: str, env: dict[str, str], cwd: Path) -> str:
    argv = {
        "bash": ["bash", "--norc", "--noprofile", "-c", script],
        "zsh": ["zsh", "-f", "-c", script],
        "fish": ["fish", "--no-config", "-c", script],
    }[shell]
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("shell", SHELLS)
def test_ctrl_c_during_the_evaluation_is_ignored(shell: str, tmp_path: Path) -> None:
    env = make_env(tmp_path)
    env["HOOK_CANNED_OUTPUT"] = str(tmp_path / "canned")
    exe = write_logging_uvcreds(tmp_path / "bin")
    target, started, go = tmp_path / "target", tmp_path / "started", tmp_path / "go"
    stamp = tmp_path / "stamp"
    target.mkdir()
    (tmp_path / "start").mkdir()  # not above target: a subdirectory would be quiet
    stamp.touch()
    module = MODULES[shell]
    state = module.render_watch(str(target), str(stamp), 2**31 - 1, [], [])
    quote = module.quote  # type: ignore[attr-defined]
    canned = _SLOW[shell].format(started=quote(str(started)), go=quote(str(go)), state=state)
    with Session(shell, exe, env, tmp_path / "start", tmp_path / "strace.log") as sh:
        (tmp_path / "canned").write_text(canned)
        calls = len(sh.calls())
        sh.start(f"cd {shlex.quote(str(target))}")
        deadline = time.monotonic() + 20
        while not started.exists():
            assert time.monotonic() < deadline, "the hook never ran"
            time.sleep(0.02)
        sh.interrupt()
        time.sleep(0.3)
        go.touch()
        sh.wait(timeout=15)
        # Not cut short, and not done again (as an interrupted prompt hook would be).
        assert len(sh.calls()) == calls + 1
        assert sh.env("A", "B") == {"A": "1", "B": "2"}


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_users_int_trap_is_kept(shell: str, tmp_path: Path) -> None:
    env = make_env(tmp_path)
    exe = write_logging_uvcreds(tmp_path / "bin")
    script = (
        f"trap 'echo user' INT; eval \"$({shlex.quote(str(exe))} init {shell})\"; "
        "trap > before; __uvcreds_hook; trap > after; echo $__uvcreds_stamp"
    )
    assert _run(shell, script, env, tmp_path).strip()  # the hook ran
    assert (tmp_path / "after").read_text() == (tmp_path / "before").read_text()
    assert "echo user" in (tmp_path / "after").read_text()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("unset PROMPT_COMMAND", 'declare -- PROMPT_COMMAND="__uvcreds_hook"'),
        ("PROMPT_COMMAND='a; b'", 'declare -- PROMPT_COMMAND="__uvcreds_hook;a; b"'),
        ("PROMPT_COMMAND='a;__uvcreds_hook'", 'declare -- PROMPT_COMMAND="a;__uvcreds_hook"'),
        (
            "PROMPT_COMMAND=(a 'b c')",
            'declare -a PROMPT_COMMAND=([0]="__uvcreds_hook;a" [1]="b c")',
        ),
        (
            "PROMPT_COMMAND=(a __uvcreds_hook)",
            'declare -a PROMPT_COMMAND=([0]="a" [1]="__uvcreds_hook")',
        ),
    ],
)
def test_bash_installs_once_in_either_prompt_command_form(
    before: str, after: str, tmp_path: Path
) -> None:
    snippet = tmp_path / "snippet"
    snippet.write_text(MODULES["bash"].hook("/x/uvcreds", keyring=False))
    script = f"{before}; source {snippet}; source {snippet}; declare -p PROMPT_COMMAND"
    assert _run("bash", script, make_env(tmp_path), tmp_path).strip() == after


@pytest.mark.parametrize("shell", SHELLS)
def test_an_executable_path_that_needs_quoting(shell: str, tmp_path: Path) -> None:
    env = make_env(tmp_path)
    env["T"] = "tok"
    write_user_config(env, credential("https://corp.example/", "T"))
    project = tmp_path / "project"
    write_project(project, [("corp", "https://corp.example/simple/")])
    exe = write_logging_uvcreds(tmp_path / 'it\'s $HOME `id` "é" -n')
    load = {
        "bash": f'eval "$({shlex.quote(str(exe))} init bash)"',
        "zsh": f'eval "$({shlex.quote(str(exe))} init zsh)"',
        "fish": f"{shlex.quote(str(exe))} init fish | source",
    }[shell]
    script = f"{load}; __uvcreds_hook; echo $UV_INDEX_CORP_PASSWORD"
    assert _run(shell, script, env, project).strip() == "tok"


def test_a_subdirectory_without_project_files_gets_the_same_answer(tmp_path: Path) -> None:
    """The snippets skip uvcreds in a subdirectory that has no uv.toml or pyproject.toml
    (and is no symlink): discovery must agree that only those two files differ there."""
    env = make_env(tmp_path)
    env["T"] = "tok"
    write_user_config(env, credential("https://corp.example/", "T"))
    project = tmp_path / "project"
    write_project(project, [("corp", "https://corp.example/simple/")])
    (project / ".env").write_text("X=1\n")
    sub = project / "a" / "b"
    sub.mkdir(parents=True)

    def collect(cwd: Path) -> tuple[dict[str, str], list[str]]:
        result = resolve.collect(cwd, env, Locations(env), warn=lambda message: None)
        return result.variables(), result.watched

    top, below = collect(project), collect(sub)
    assert below[0] == top[0] and top[0]
    # uv looks for the nearest pyproject.toml from below, then reads from the root up.
    walked = [str(d / "pyproject.toml") for d in (sub, sub.parent)]
    assert sorted(below[1]) == sorted(walked + top[1])
    for module in MODULES.values():
        assert "uv.toml" in module.hook("x", keyring=False) and "pyproject.toml" in module.hook(
            "x", keyring=False
        )
