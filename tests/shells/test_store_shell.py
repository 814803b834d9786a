"""`init SHELL --store` in real interactive bash, zsh and fish: uv authenticates from its own
credential store with no password in the shell, and a token that falls due while the shell
sits at its prompt is renewed before the next command runs (the check before each command:
bash's PS0 and DEBUG trap, zsh's preexec, fish's fish_preexec).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from tests.fakes.codeartifact import CodeArtifactFake
from tests.fakes.index import FakeIndex
from tests.helpers import uv_bin, write_project, write_user_config
from tests.shells.driver import SHELLS, Session, make_env, write_logging_uvcreds

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

FIRST = "first-minted.tok/+=1"
SECOND = "second-minted.tok/+=2"
# Due 5 s after it is minted: the refresh starts max(300 s, a quarter) before expiry.
LIFETIME = 305


def stored_passwords(env: dict[str, str]) -> list[str]:
    path = Path(env["UV_CREDENTIALS_DIR"], "credentials.toml")
    entries = tomllib.loads(path.read_text()).get("credential", []) if path.exists() else []
    return [str(entry["password"]) for entry in entries]


@pytest.mark.parametrize("shell", SHELLS)
def test_a_store_shell_authenticates_uv_and_renews_a_token_before_the_next_command(
    shell: str, tmp_path: Path, index: FakeIndex, codeartifact: CodeArtifactFake
) -> None:
    codeartifact.token, codeartifact.lifetime = FIRST, LIFETIME
    index.creds = {"aws": FIRST}
    env = make_env(tmp_path)
    env.update(codeartifact.aws_env(tmp_path))
    env["PATH"] = os.path.dirname(uv_bin()) + os.pathsep + env["PATH"]
    env["UV_CREDENTIALS_DIR"] = str(tmp_path / "uv credentials")
    write_user_config(
        env,
        f'[[credential]]\nurl = "{index.simple_url}"\nprovider = "aws"\ndomain = "acme"\n'
        'domain-owner = "111122223333"\nregion = "eu-west-1"\n',
    )
    project = tmp_path / "proj"
    write_project(project, [("corp", index.simple_url)])
    exe = write_logging_uvcreds(tmp_path / "bin dir")
    with Session(shell, exe, env, project, tmp_path / "strace.log", init_flags=" --store") as sh:
        assert stored_passwords(env) == [FIRST]
        shown = sh.env("UV_INDEX_CORP_USERNAME", "UV_INDEX_CORP_PASSWORD", "UV_KEYRING_PROVIDER")
        assert shown == dict.fromkeys(shown)  # nothing exported
        assert sh.run("rm -f uv.lock; uv lock --no-cache").status == 0
        assert ("aws", FIRST, 200) in {(r.username, r.password, r.status) for r in index.requests}

        codeartifact.token = SECOND
        index.creds = {"aws": SECOND}  # only the renewed token is good now
        time.sleep(6)  # the shell sits at its prompt while the token falls due
        done = sh.run("rm -f uv.lock; uv lock --no-cache")
        assert done.status == 0, done.output
        assert stored_passwords(env) == [SECOND]
        assert "hook" in sh.calls()[-1] and "--store" in sh.calls()[-1]
        for secret in (FIRST, SECOND):
            assert secret not in done.output
