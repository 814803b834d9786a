"""One scenario, run in each real interactive shell: enter a project, use uv, move around,
edit its configuration, let a token fall due, leave. See driver.py for how it is driven."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.testing.fakes.index import DEFAULT_PASSWORD, FakeIndex
from tests.testing.helpers import credential, uv_bin, write_project, write_user_config
from tests.testing.shells import SHELLS, Session, make_env, write_logging_uvcreds

TOKEN = DEFAULT_PASSWORD  # has characters that need quoting
CORP = ("UV_INDEX_CORP_USERNAME", "UV_INDEX_CORP_PASSWORD")
EXTRA = ("UV_INDEX_EXTRA_USERNAME", "UV_INDEX_EXTRA_PASSWORD")
OTHER = ("UV_INDEX_OTHER_USERNAME", "UV_INDEX_OTHER_PASSWORD")
EXTRA_URL = "http://127.0.0.1:9/extra/simple/"
OTHER_URL = "http://127.0.0.1:9/other/simple/"

# How each shell says "the next token falls due now".
FALL_DUE = {"bash": "__uvcreds_due=0", "zsh": "__uvcreds_due=0", "fish": "set __uvcreds_ttl 0"}
# How many times __uvcreds_hook is installed: bash PROMPT_COMMAND (its check before each
# command is the DEBUG trap's __uvcreds_preexec); zsh precmd, chpwd and preexec; fish
# fish_prompt, fish_preexec and PWD events.
HOOKS = {
    "bash": ("printf '%s\\n' \"${PROMPT_COMMAND[@]}\"", 1),
    "zsh": ("print -rl -- $precmd_functions $chpwd_functions $preexec_functions", 3),
    "fish": ("functions --handlers", 3),
}


@pytest.mark.parametrize("shell", SHELLS)
def test_scenario(shell: str, tmp_path: Path, index: FakeIndex) -> None:
    index.creds = {"alice": TOKEN}
    env = make_env(tmp_path)
    env["MY_INDEX_TOKEN"] = TOKEN
    env["UV_INDEX_CORP_USERNAME"] = "bob"  # the user's own value, back after leaving
    write_user_config(
        env,
        "".join(
            credential(url, "MY_INDEX_TOKEN", username="alice")
            for url in (index.simple_url, EXTRA_URL, OTHER_URL)
        ),
    )
    project = tmp_path / "work dir" / "project"
    write_project(project, [("corp", index.simple_url)])
    (project / "sub" / "deeper").mkdir(parents=True)
    link = tmp_path / "work dir" / "link"
    link.symlink_to(project)
    # A symlink inside the project to a directory of another project: uvcreds walks the
    # real path, so this is the other project.
    other = tmp_path / "work dir" / "other"
    write_project(other, [("other", OTHER_URL)])
    (other / "pkg").mkdir()
    (project / "sub" / "linked").symlink_to(other / "pkg")
    exe = write_logging_uvcreds(tmp_path / "bin dir")  # the snippet must quote its path

    with Session(shell, exe, env, Path(env["HOME"]), tmp_path / "strace.log") as sh:
        assert sh.calls() == [f"init {shell}"] * 2 + [f"hook {shell}"]
        command, installed = HOOKS[shell]
        assert sh.run(command).output.count("__uvcreds_hook") == installed

        sh.run(f"cd {shlex.quote(str(project))}")
        assert sh.calls()[-1] == f"hook {shell}" and len(sh.calls()) == 4
        assert sh.env(*CORP) == dict(zip(CORP, ["alice", TOKEN]))

        index.requests.clear()
        assert sh.run(f"{shlex.quote(uv_bin())} lock --no-cache").status == 0
        assert (project / "uv.lock").is_file()
        assert index.requests and {r.username for r in index.requests} == {"alice"}
        assert all(r.status < 400 for r in index.requests)

        # Nothing changed: no uvcreds, and no process at all, at these prompts.
        calls = len(sh.calls())
        quiet = [sh.mark()]
        sh.run("cd sub/deeper")
        sh.enter(100)
        sh.run("cd ..")
        quiet.append(sh.mark())
        assert len(sh.calls()) == calls
        assert sh.env(*CORP) == dict(zip(CORP, ["alice", TOKEN]))

        # $? survives both a quiet prompt and one where uvcreds runs.
        assert sh.run("false") == sh.run("false")
        prompt = sh.run("false")
        assert (prompt.status, prompt.user_status) == (1, "1")
        write_project(project, [("corp", index.simple_url), ("extra", EXTRA_URL)])
        prompt = sh.run("false")
        assert (prompt.status, prompt.user_status) == (1, "1")
        assert len(sh.calls()) == calls + 1  # the edit was seen at once
        assert sh.env(*EXTRA) == dict(zip(EXTRA, ["alice", TOKEN]))

        # A config file created, then deleted.
        (project / "uv.toml").write_text(f'[[index]]\nname = "other"\nurl = "{OTHER_URL}"\n')
        sh.enter(1)
        assert sh.env(*OTHER) == dict(zip(OTHER, ["alice", TOKEN]))
        (project / "uv.toml").unlink()
        sh.enter(1)
        assert sh.env(*OTHER) == dict.fromkeys(OTHER)
        assert sh.env(*EXTRA) == dict(zip(EXTRA, ["alice", TOKEN]))

        # A token falls due: the next prompt asks uvcreds again, the one after does not.
        calls = len(sh.calls())
        sh.run(FALL_DUE[shell])
        assert len(sh.calls()) == calls + 1
        sh.enter(1)
        assert len(sh.calls()) == calls + 1

        # The same project through a symlink: one run, then quiet again.
        sh.run(f"cd {shlex.quote(str(link))}/sub")
        assert len(sh.calls()) == calls + 2
        quiet += [sh.mark()]
        sh.enter(3)
        quiet += [sh.mark()]
        assert len(sh.calls()) == calls + 2

        sh.run("cd linked")
        assert len(sh.calls()) == calls + 3
        assert sh.env(*OTHER) == dict(zip(OTHER, ["alice", TOKEN]))
        assert sh.env(*EXTRA) == dict.fromkeys(EXTRA)

        # Leaving restores what the user had.
        sh.run("cd ~")
        assert sh.env(*CORP) == {CORP[0]: "bob", CORP[1]: None}
        assert sh.env(*EXTRA) == dict.fromkeys(EXTRA)

    for start, end in (quiet[0:2], quiet[2:4]):
        assert sh.process_creations(start, end) == []
