"""The README's VS Code terminal profiles, started as VS Code starts them (issue 19).

VS Code runs a profile's `path` with its `args` in a pseudo-terminal, in the workspace
folder (`${workspaceFolder}`), with the user's environment. Here: each profile of the
README's ```jsonc block (linux: bash and fish, osx: zsh; all run here), for the exported
route as written and for secret-free mode (`init SHELL --keyring`, as the README says to
write), with a startup file that has a prompt and no hook. The workspace is a project whose
index is the local FakeIndex, bound in the user's config to a secret in CORP_TOKEN; the
terminal must have the credential at its first prompt, lose it after `cd ~`, have it again
after `cd` back, and real uv must lock through it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from pathlib import Path
from typing import Any, Optional

import pexpect
import pytest
from markdown_it import MarkdownIt

from tests.testing.fakes.index import DEFAULT_PASSWORD, FakeIndex
from tests.testing.helpers import (
    credential,
    make_isolated_env,
    uv_bin,
    write_project,
    write_user_config,
)

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PROMPT = "__VSCODE__$ "
RC = {  # the user's own startup file: a prompt, no hook
    "bash": (".bashrc", f"PS1='{PROMPT}'\n"),
    "zsh": (".zshrc", f"PROMPT='{PROMPT}'\nunsetopt zle\n"),
    "fish": (
        ".config/fish/config.fish",
        f"function fish_prompt; printf '%s' '{PROMPT}'; end\nfunction fish_greeting; end\n"
        "function fish_title; end\n",
    ),
}
STATUS = {"bash": "$?", "zsh": "$?", "fish": "$status"}
USER, PASSWORD = "UV_INDEX_CORP_USERNAME", "UV_INDEX_CORP_PASSWORD"
SHOWN = (USER, PASSWORD, "UV_KEYRING_PROVIDER")
_SHOW = "import json,os,sys; print('ENV' + json.dumps({n: os.getenv(n) for n in sys.argv[1:]}))"
SHOW_ENV = shlex.join([sys.executable, "-c", _SHOW, *SHOWN])


def readme_settings() -> dict[str, Any]:
    """The README's ```jsonc block: VS Code settings."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [
        token.content
        for token in MarkdownIt("commonmark").parse(text)
        if token.type == "fence" and token.info.strip() == "jsonc"
    ]
    assert len(blocks) == 1, blocks
    settings = json.loads(blocks[0])
    assert isinstance(settings, dict)
    return settings


def profile(platform: str, name: str | None = None) -> dict[str, Any]:
    """The profile `name` for `platform`, by default the one the settings make default."""
    settings = readme_settings()
    name = name or settings[f"terminal.integrated.defaultProfile.{platform}"]
    found = settings[f"terminal.integrated.profiles.{platform}"][name]
    assert isinstance(found, dict)
    return found


class Terminal:
    """A profile's shell in a pseudo-terminal, as VS Code's terminal starts it."""

    def __init__(self, path: str, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.child = pexpect.spawn(
            path, args, env=env, cwd=str(cwd), encoding="utf-8", timeout=60, dimensions=(50, 500)
        )
        self.child.delaybeforesend = None
        self.child.expect_exact(PROMPT)

    def run(self, line: str) -> str:
        self.child.sendline(line)
        self.child.expect_exact(PROMPT)
        return str(self.child.before)

    def env(self) -> dict[str, Optional[str]]:
        found = re.findall(r"ENV(\{.*?\})", self.run(SHOW_ENV))
        assert found, "no ENV line"
        values: dict[str, Optional[str]] = json.loads(found[-1])
        return values

    def close(self) -> None:
        self.child.sendline("exit")
        self.child.expect(pexpect.EOF, timeout=10)
        self.child.close()


@pytest.fixture
def terminal_env(tmp_path: Path, index: FakeIndex) -> dict[str, str]:
    env = make_isolated_env(tmp_path / "env")
    env.pop("ZDOTDIR", None)
    env.update(TERM="xterm-256color", TERM_PROGRAM="vscode", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env["PATH"]])
    env["UV_NO_CACHE"] = "1"
    env["CORP_TOKEN"] = DEFAULT_PASSWORD
    # Else an interactive fish's first start parses every man page in the background.
    (Path(env["XDG_DATA_HOME"]) / "fish" / "generated_completions").mkdir(parents=True)
    write_user_config(env, credential(index.url, "CORP_TOKEN", username="aws"))
    return env


@pytest.fixture
def workspace(tmp_path: Path, index: FakeIndex) -> Path:
    project = tmp_path / "workspace folder"
    write_project(project, [("corp", index.simple_url)])
    return project


def test_the_readme_gives_a_default_profile_for_linux_and_macos() -> None:
    for platform, shell in (("linux", "bash"), ("osx", "zsh")):
        found = profile(platform)
        assert found["path"] == shell
        assert f"uvcreds init {shell}" in " ".join(found["args"])


@pytest.mark.parametrize("route", ["exported", "keyring"])
@pytest.mark.parametrize(
    ("platform", "shell", "name"),
    [("linux", "bash", None), ("osx", "zsh", None), ("linux", "fish", "fish (uvcreds)")],
)
def test_a_profile_terminal_gets_the_credential_in_the_workspace_and_after_cd(
    platform: str,
    shell: str,
    name: str | None,
    route: str,
    terminal_env: dict[str, str],
    workspace: Path,
    index: FakeIndex,
) -> None:
    found = profile(platform, name)
    args = list(found["args"])
    if route == "keyring":  # "write `init bash --keyring` and `init zsh --keyring` instead"
        args = [a.replace(f"init {shell}", f"init {shell} --keyring") for a in args]
        assert args != found["args"]
    home = Path(terminal_env["HOME"])
    rc_name, rc_text = RC[shell]
    (home / rc_name).parent.mkdir(parents=True, exist_ok=True)
    (home / rc_name).write_text(rc_text)
    expected: dict[str, Optional[str]] = (
        {USER: "aws", PASSWORD: DEFAULT_PASSWORD, "UV_KEYRING_PROVIDER": None}
        if route == "exported"
        else {USER: "aws", PASSWORD: None, "UV_KEYRING_PROVIDER": "subprocess"}
    )
    gone = dict.fromkeys(SHOWN)

    terminal = Terminal(found["path"], args, terminal_env, workspace)
    try:
        assert terminal.env() == expected  # at the first prompt, in the workspace folder
        terminal.run("cd ~")
        assert terminal.env() == gone
        terminal.run(f"cd {shlex.quote(str(workspace))}")
        assert terminal.env() == expected
        index.requests.clear()
        status = terminal.run(f"{shlex.quote(uv_bin())} lock; echo LOCK={STATUS[shell]}")
        assert "LOCK=0" in status, status
        assert ("aws", DEFAULT_PASSWORD, 200) in [
            (r.username, r.password, r.status) for r in index.requests
        ]
        assert not (home / rc_name).read_text().count("uvcreds")  # the startup file untouched
    finally:
        terminal.close()


def test_a_profile_works_without_any_startup_file(
    terminal_env: dict[str, str], workspace: Path
) -> None:
    """A user with no ~/.bashrc at all: the profile still starts, with the hook."""
    found = profile("linux")
    child = pexpect.spawn(
        found["path"],
        found["args"],
        env=terminal_env,
        cwd=str(workspace),
        encoding="utf-8",
        timeout=60,
    )
    try:
        child.expect(r"[#$] $")  # whatever prompt the system's files give
        assert "No such file" not in str(child.before)
        child.sendline(SHOW_ENV)
        child.expect(r"ENV(\{.*?\})")
        assert json.loads(child.match.group(1))[PASSWORD] == DEFAULT_PASSWORD
    finally:
        child.sendline("exit")
        child.expect(pexpect.EOF, timeout=10)
        child.close()
