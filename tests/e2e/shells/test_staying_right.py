"""A shell that stays right (issue 13), in real interactive bash, zsh and fish.

What the hook's change test must catch without the user leaving and coming back: a secret
that a binding names exported, changed or unset in this shell; the token cache changed by
`uvcreds refresh` or `uvcreds logout` in another shell; a vendor that failed and then
recovered (a retry after the backoff); uvcreds itself gone. And still no process at a
prompt where nothing changed (strace, as in test_scenario.py).

Time is faked in one way only: to stand for "30 s later" the test sets the snippet's own
due time to the past (`__uvcreds_due=0` in bash and zsh, `set __uvcreds_ttl 0` in fish),
after checking that the hook's output after a failure dated the retry now + 30 s (then
now + 60 s: the backoff doubles).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.testing.fakes.codeartifact import CodeArtifactFake
from tests.testing.fakes.index import DEFAULT_PASSWORD, FakeIndex
from tests.testing.helpers import credential, uv_bin, write_project, write_user_config
from tests.testing.shells import SHELLS, Prompt, Session, make_env, write_logging_uvcreds

TOKEN = DEFAULT_PASSWORD  # has characters that need quoting
CORP = ("UV_INDEX_CORP_USERNAME", "UV_INDEX_CORP_PASSWORD")
VENDOR_DOWN = "User is not authorized to perform: codeartifact:GetAuthorizationToken"

EXPORT = {
    "bash": "export {name}={value}",
    "zsh": "export {name}={value}",
    "fish": "set -gx {name} {value}",
}
UNSET = {"bash": "unset {name}", "zsh": "unset {name}", "fish": "set -e {name}"}
# Seconds from now until the hook's next run by itself (a token falling due, or a retry).
SHOW_DUE = {
    "bash": 'echo "due=$(( __uvcreds_due - EPOCHSECONDS ))"',
    "zsh": 'echo "due=$(( __uvcreds_due - EPOCHSECONDS ))"',
    "fish": 'echo "due=$__uvcreds_ttl"',  # relative to the stamp, dated when the hook ran
}
# "The retry is due now": what 30 s (or 60 s) of waiting would do to the snippet's state.
RETRY_NOW = {"bash": "__uvcreds_due=0", "zsh": "__uvcreds_due=0", "fish": "set __uvcreds_ttl 0"}


def messages(prompt: Prompt) -> list[str]:
    """The `uvcreds:` lines a command and its prompt printed (zsh and fish may put their
    mark of an output without a final newline, and blanks, before one)."""
    return re.findall(r"uvcreds: .*", prompt.output)


def due_in(sh: Session) -> int:
    found = re.findall(r"^due=(-?\d+)$", sh.run(SHOW_DUE[sh.shell]).output, re.MULTILINE)
    assert found, "no due time shown"
    return int(found[-1])


def aws_binding(index: FakeIndex) -> str:
    """The local index's URL as CodeArtifact behind a custom domain (the fake mints)."""
    return (
        f'[[credential]]\nurl = "{index.url}"\nprovider = "aws"\ndomain = "acme"\n'
        'domain-owner = "111122223333"\nregion = "eu-west-1"\n'
    )


def aws_shell_env(
    tmp_path: Path, codeartifact: CodeArtifactFake, index: FakeIndex
) -> dict[str, str]:
    env = make_env(tmp_path)
    env.update(codeartifact.aws_env(tmp_path))
    write_user_config(env, aws_binding(index))
    return env


@pytest.mark.parametrize("shell", SHELLS)
def test_a_secret_exported_after_entering_is_in_force_at_the_next_prompt(
    shell: str, tmp_path: Path, index: FakeIndex
) -> None:
    index.creds = {"alice": TOKEN}
    env = make_env(tmp_path)
    write_user_config(env, credential(index.url, "CORP_PW", username="alice"))
    project = tmp_path / "work dir" / "project"
    write_project(project, [("corp", index.simple_url)])
    exe = write_logging_uvcreds(tmp_path / "bin dir")
    uv = shlex.quote(uv_bin())

    with Session(shell, exe, env, Path(env["HOME"]), tmp_path / "strace.log") as sh:
        entered = sh.run(f"cd {shlex.quote(str(project))}")
        said = messages(entered)
        assert len(said) == 1 and "CORP_PW" in said[0], entered.output
        assert sh.env(*CORP) == dict.fromkeys(CORP)

        # Exported after entering: in force at the very next prompt, one uvcreds run.
        calls = len(sh.calls())
        exported = sh.run(EXPORT[shell].format(name="CORP_PW", value=shlex.quote(TOKEN)))
        assert len(sh.calls()) == calls + 1 and messages(exported) == []
        assert sh.env(*CORP) == dict(zip(CORP, ["alice", TOKEN]))
        index.requests.clear()
        assert sh.run(f"{uv} lock --no-cache").status == 0
        assert ("alice", TOKEN, 200) in [(r.username, r.password, r.status) for r in index.requests]

        # Nothing changed: no uvcreds, and no process at all, at 100 prompts.
        calls = len(sh.calls())
        quiet = [sh.mark()]
        sh.enter(100)
        quiet.append(sh.mark())
        assert len(sh.calls()) == calls

        # Changed, then unset: each in force at the next prompt.
        sh.run(EXPORT[shell].format(name="CORP_PW", value="changed-secret"))
        assert sh.env(*CORP) == dict(zip(CORP, ["alice", "changed-secret"]))
        unset = sh.run(UNSET[shell].format(name="CORP_PW"))
        assert len(messages(unset)) == 1 and "CORP_PW" in messages(unset)[0], unset.output
        assert sh.env(*CORP) == dict.fromkeys(CORP)
        assert len(sh.calls()) == calls + 2

    assert sh.process_creations(*quiet) == []


@pytest.mark.parametrize("shell", SHELLS)
def test_refresh_and_logout_in_another_shell_are_seen_at_the_next_prompt(
    shell: str, tmp_path: Path, index: FakeIndex, codeartifact: CodeArtifactFake
) -> None:
    codeartifact.token = None  # a new token at every mint
    env = aws_shell_env(tmp_path, codeartifact, index)
    project = tmp_path / "work dir" / "project"
    write_project(project, [("corp", index.simple_url)])
    exe = write_logging_uvcreds(tmp_path / "bin dir")
    other_env = {**env, "HOOK_CALLS_LOG": str(tmp_path / "other-calls.log")}
    cd = f"cd {shlex.quote(str(project))}"
    home = Path(env["HOME"])

    with Session(shell, exe, env, home, tmp_path / "strace.log") as sh:
        sh.run(cd)
        first = codeartifact.issued[-1]
        assert sh.env(*CORP) == dict(zip(CORP, ["aws", first]))
        with Session(shell, exe, other_env, home, tmp_path / "other-strace.log") as other:
            other.run(cd)
            assert len(codeartifact.issued) == 1  # the second shell used the cached token

            # `uvcreds refresh` there: this shell has the new token at its next prompt.
            refreshed = other.run(f"{shlex.quote(str(exe))} refresh")
            assert refreshed.status == 0, refreshed.output
            second = codeartifact.issued[-1]
            assert second != first
            calls = len(sh.calls())
            sh.enter(1)
            assert len(sh.calls()) == calls + 1
            assert sh.env(*CORP) == dict(zip(CORP, ["aws", second]))

            # `uvcreds logout` there, with the vendor now refusing: the forgotten token is
            # gone from this shell at its next prompt, and nothing takes its place.
            codeartifact.set_error(VENDOR_DOWN)
            assert other.run(f"{shlex.quote(str(exe))} logout").status == 0
            gone = sh.enter(1)
            assert len(sh.calls()) == calls + 2
            assert len(messages(gone)) == 1, gone.output
            assert sh.env(*CORP) == dict.fromkeys(CORP)
            assert len(codeartifact.issued) == 2


@pytest.mark.parametrize("shell", SHELLS)
def test_a_vendor_that_recovers_is_picked_up_within_the_backoff(
    shell: str, tmp_path: Path, index: FakeIndex, codeartifact: CodeArtifactFake
) -> None:
    codeartifact.token = "ca-recovered.Tok/+="
    codeartifact.set_error(VENDOR_DOWN)
    env = aws_shell_env(tmp_path, codeartifact, index)
    project = tmp_path / "work dir" / "project"
    write_project(project, [("corp", index.simple_url)])
    exe = write_logging_uvcreds(tmp_path / "bin dir")

    with Session(shell, exe, env, Path(env["HOME"]), tmp_path / "strace.log") as sh:
        entered = sh.run(f"cd {shlex.quote(str(project))}")
        said = messages(entered)
        assert len(said) == 1 and "codeartifact:GetAuthorizationToken" in said[0], entered.output
        assert sh.env(*CORP) == dict.fromkeys(CORP)
        assert 28 <= due_in(sh) <= 31  # the first retry: in 30 s

        # Before the retry is due: no uvcreds run, nothing said again.
        calls = len(sh.calls())
        quiet = [sh.mark()]
        waiting = sh.enter(5)
        quiet.append(sh.mark())
        assert len(sh.calls()) == calls and messages(waiting) == []

        # 30 s later, still down: one run, the same problem not said again, 60 s next.
        retried = sh.run(RETRY_NOW[shell])
        assert len(sh.calls()) == calls + 1 and messages(retried) == [], retried.output
        assert 58 <= due_in(sh) <= 61
        assert len(codeartifact.requests) == 2

        # The vendor recovers; at the next retry the shell has its token, no user action.
        codeartifact.set_error(None)
        recovered = sh.run(RETRY_NOW[shell])
        assert len(sh.calls()) == calls + 2 and messages(recovered) == [], recovered.output
        assert sh.env(*CORP) == dict(zip(CORP, ["aws", "ca-recovered.Tok/+="]))
        assert due_in(sh) > 600  # no failure left: next run when the token falls due

        # And quiet again.
        calls = len(sh.calls())
        quiet += [sh.mark()]
        sh.enter(100)
        quiet += [sh.mark()]
        assert len(sh.calls()) == calls

    for start, end in (quiet[0:2], quiet[2:4]):
        assert sh.process_creations(start, end) == []


@pytest.mark.parametrize("shell", SHELLS)
def test_uvcreds_gone_is_one_line_once(shell: str, tmp_path: Path, index: FakeIndex) -> None:
    index.creds = {"alice": TOKEN}
    env = make_env(tmp_path)
    env["CORP_PW"] = TOKEN
    write_user_config(env, credential(index.url, "CORP_PW", username="alice"))
    project = tmp_path / "work dir" / "project"
    write_project(project, [("corp", index.simple_url)])
    exe = write_logging_uvcreds(tmp_path / "bin dir")
    moved = exe.with_name("uvcreds.moved")
    cd = f"cd {shlex.quote(str(project))}"

    with Session(shell, exe, env, Path(env["HOME"]), tmp_path / "strace.log") as sh:
        sh.run(cd)
        assert sh.env(*CORP) == dict(zip(CORP, ["alice", TOKEN]))
        exe.rename(moved)  # uninstalled while the shell is open

        # The next prompt that would run it says so, once.
        left = sh.run("cd ~")
        assert messages(left) == [
            f"uvcreds: {exe} is gone; the hook is off until `uvcreds init {shell}` runs again"
        ], left.output
        # Then nothing, whatever changes: no error, no attempt.
        said = []
        for line in (cd, "touch pyproject.toml", "", "cd ~", cd, RETRY_NOW[shell], ""):
            prompt = sh.run(line)
            said += messages(prompt)
            assert "No such file" not in prompt.output and prompt.status == 0, prompt.output
        assert said == []

        # Installed again and `init` run again: the hook is back.
        moved.rename(exe)
        calls = len(sh.calls())
        init = {"fish": f"{exe} init fish | source"}.get(shell, f'eval "$({exe} init {shell})"')
        sh.run(init.replace(str(exe), shlex.quote(str(exe))))
        assert len(sh.calls()) >= calls + 2  # init, then the hook at the next prompt
        assert sh.calls()[-1] == f"hook {shell}"
