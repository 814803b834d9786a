"""`init SHELL --store` in real interactive bash, zsh and fish: uv authenticates from its own
credential store with no password in the shell, and a token that falls due while the shell
sits at its prompt is renewed before the next command runs (the check before each command:
bash's PS0 and DEBUG trap, zsh's preexec, fish's fish_preexec).
"""

from __future__ import annotations

import os
import shlex
import sys
import time
from pathlib import Path

import pytest

from tests.testing.fakes.bin import FakeBinDir
from tests.testing.fakes.codeartifact import CodeArtifactFake
from tests.testing.fakes.index import FakeIndex, build_wheel
from tests.testing.helpers import uv_bin, write_project, write_user_config
from tests.testing.shells import SHELLS, Session, make_env, write_logging_uvcreds

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

FIRST = "first-minted.tok/+=1"
SECOND = "second-minted.tok/+=2"
# Due 5 s after it is minted: the refresh starts max(300 s, a quarter) before expiry.
LIFETIME = 305
# Run by uv as its child: exits 3 when a password variable or the secret is there.
CHILD_CHECK = (
    "import os, sys; sys.exit(3 if any(n.endswith('_PASSWORD') or {secret!r} in v "
    "for n, v in os.environ.items()) else 0)"
)


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
    write_project(project, [("corp", index.simple_url)], publish_urls=True)
    build_wheel(project / "dist", "consumer", "0.0.1")
    fakes = FakeBinDir(tmp_path / "fakebin")
    keyring = fakes.keyring()  # logs any call: uv must never run a keyring here
    env = fakes.env(env)
    exe = write_logging_uvcreds(tmp_path / "bin dir")
    with Session(shell, exe, env, project, tmp_path / "strace.log", init_flags=" --store") as sh:
        assert stored_passwords(env) == [FIRST]
        shown = sh.env("UV_INDEX_CORP_USERNAME", "UV_INDEX_CORP_PASSWORD", "UV_KEYRING_PROVIDER")
        assert shown == dict.fromkeys(shown)  # nothing exported
        assert sh.run("rm -f uv.lock; uv lock --no-cache").status == 0
        assert ("aws", FIRST, 200) in {(r.username, r.password, r.status) for r in index.requests}
        assert sh.run("uv sync --no-cache").status == 0
        uvx = f"uvx --no-cache --index {index.simple_url} --from tinypkg python -c pass"
        assert sh.run(uvx).status == 0
        # In a terminal uv publish asks for a username first; exec --store gives it one.
        publish = "uv publish --no-cache --trusted-publishing never --index corp dist/*.whl"
        assert sh.run(f"{shlex.quote(str(exe))} exec --store -- {publish}").status == 0
        assert any(r.method == "POST" and r.password == FIRST for r in index.requests)
        check = shlex.quote(CHILD_CHECK.format(secret=FIRST))
        assert sh.run(f"uv run --no-cache python -c {check}").status == 0
        assert keyring.calls() == []

        codeartifact.token = SECOND
        index.creds = {"aws": SECOND}  # only the renewed token is good now
        time.sleep(6)  # the shell sits at its prompt while the token falls due
        done = sh.run("rm -f uv.lock; uv lock --no-cache")
        assert done.status == 0, done.output
        assert stored_passwords(env) == [SECOND]
        assert "hook" in sh.calls()[-1] and "--store" in sh.calls()[-1]
        for secret in (FIRST, SECOND):
            assert secret not in done.output
