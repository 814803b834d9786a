"""Secrets reach stdout only where printing them is the command's purpose, and never stderr.

Known secrets are in play at once: in the environment, in the project's .env, in the token
cache (minted by a command provider), in index URLs' userinfo, and in unrelated variables.
Every command runs with and without --debug, in a project where everything works and in one
where everything fails (so every error path speaks).
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.testing.helpers import (
    credential_table,
    run,
    uvcreds_cmd,
    write_project,
    write_user_config,
)
from tests.testing.hostile import assert_clean_stderr
from uvcreds.urls import display

ENV_SECRET = "env-secret-5b1e"
DOT_SECRET = "dot-secret-77c0"
CACHED_SECRET = "cached-secret-e41a"
URL_SECRET = "url-secret-0d9b"
AT_URL_SECRET = "at@url-secret-c3f8"  # a raw @ in the password: uv reads up to the last @
UNRELATED = "unrelated-secret-a6d2"
PRINTED = (ENV_SECRET, DOT_SECRET, CACHED_SECRET)
NEVER_PRINTED = (URL_SECRET, "url-secret-c3f8", UNRELATED)
ALL = (*PRINTED, *NEVER_PRINTED)

MINT = """\
import json, sys, time
json.dump({"username": "u", "password": %r, "expires": time.time() + 3600}, sys.stdout)
"""
# Failing helpers that hold the secret: on stderr, in JSON that does not parse, in a field.
FAILING_COMMANDS = {
    "cmdfail": f"import sys; print({ENV_SECRET!r}, file=sys.stderr); print(1); sys.exit(3)",
    "cmdjson": f'print(\'{{"password": "{ENV_SECRET}"\')',
    "cmdexpires": f'print(\'{{"password": "x", "expires": "{ENV_SECRET}"}}\')',
}
CHILD = (
    'printf "%s\\n" "$UV_INDEX_ENVIDX_PASSWORD" "$UV_INDEX_DOTIDX_PASSWORD" '
    '"$UV_INDEX_CMDIDX_PASSWORD"'
)
# (arguments, whether stdout is for these secrets)
PRINTING = [
    *((["export", "--format", f]) for f in ("sh", "fish", "pwsh", "dotenv", "json", "github")),
    ["export"],
    *(["hook", shell] for shell in ("bash", "zsh", "fish", "pwsh")),
    ["exec", "--", "sh", "-c", CHILD],
]
QUIET = [
    ["status"],
    ["status", "--json"],
    *(["init", shell] for shell in ("bash", "zsh", "fish", "pwsh")),
]
CHANGING = [
    ["refresh"],
    ["refresh", "cmdidx"],
    ["logout"],
    ["allow"],
    ["deny"],
    ["logout", "--all"],
]


@dataclass
class Setup:
    project: Path
    env: dict[str, str]


def _setup(tmp_path: Path, env: dict[str, str], *, failing: bool) -> Setup:
    project = tmp_path / "project"
    mint = tmp_path / "mint.py"
    mint.write_text(MINT % CACHED_SECRET)
    indexes = [
        ("envidx", "https://corp.example/simple/"),
        ("dotidx", "https://dot.example/simple/"),
        ("cmdidx", "https://cmd.example/simple/"),
        ("pub", f"https://user:{URL_SECRET}@public.example/simple/"),
        ("pub2", f"https://user:{AT_URL_SECRET}@public2.example/simple/"),
    ]
    config = [
        credential_table("https://corp.example/", provider="env", password_env="CORP_TOKEN"),
        credential_table("https://dot.example/", provider="env", password_env="DOT_TOKEN"),
        credential_table(
            "https://cmd.example/", provider="command", command=[sys.executable, str(mint)]
        ),
    ]
    if failing:
        indexes += [
            ("jfrog", f"https://me:{URL_SECRET}@acme.jfrog.io/artifactory/api/pypi/p/simple"),
            ("nouser", "https://nouser.example/simple/"),
            *((name, f"https://{name}.example/simple/") for name in FAILING_COMMANDS),
        ]
        config.append(
            credential_table(
                "https://nouser.example/",
                provider="env",
                username_env="MISSING_USER",
                password_env="CORP_TOKEN",
            )
        )
        config += [
            credential_table(
                f"https://{name}.example/", provider="command", command=[sys.executable, "-c", code]
            )
            for name, code in FAILING_COMMANDS.items()
        ]
    write_project(project, indexes, '[tool.uvcreds.index.envidx]\nusername = "team"\n')
    (project / ".env").write_text(f"DOT_TOKEN={DOT_SECRET}\nUNRELATED_IN_DOTENV={UNRELATED}\n")
    write_user_config(env, "".join(config))
    github_env = tmp_path / "github_env"
    github_env.touch()
    env.update(
        CORP_TOKEN=ENV_SECRET,
        AWS_SECRET_ACCESS_KEY=UNRELATED,
        GITHUB_TOKEN=UNRELATED,
        GITHUB_ENV=str(github_env),
        UV_INDEX=f"envpub=https://me:{URL_SECRET}@envpub.example/simple/",
    )
    return Setup(project, env)


def _run(setup: Setup, args: list[str]) -> tuple[list[str], int, str, str]:
    done = run([*uvcreds_cmd(), *args], setup.env, cwd=setup.project)
    return args, done.returncode, done.stdout, done.stderr


def _check(args: list[str], stdout: str, stderr: str, *, printing: bool) -> None:
    assert_clean_stderr(stderr)
    for secret in ALL:
        assert secret not in stderr, (args, secret, stderr)
    for secret in NEVER_PRINTED:
        assert secret not in stdout, (args, secret)
    for secret in PRINTED:
        if "github" in args:  # stdout masks the passwords; values go to $GITHUB_ENV
            assert f"::add-mask::{secret}" in stdout.splitlines(), (args, secret)
        elif printing:
            assert secret in stdout, (args, secret)
        else:
            assert secret not in stdout, (args, secret)


@pytest.mark.parametrize("failing", [False, True], ids=["working", "failing"])
def test_secrets_stay_off_stderr_and_out_of_status(
    tmp_path: Path, isolated_env: dict[str, str], failing: bool
) -> None:
    setup = _setup(tmp_path, isolated_env, failing=failing)
    warm = _run(setup, ["export"])  # mints the command token into the cache
    assert warm[1] == (1 if failing else 0), warm[3]
    cache = (Path(setup.env["UVCREDS_CACHE_DIR"]) / "tokens.json").read_text()
    assert CACHED_SECRET in cache  # the secret is in play on disk, too
    jobs = [(a, True) for a in PRINTING] + [(a, False) for a in QUIET]
    jobs += [(["--debug", *a], p) for a, p in jobs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda job: (_run(setup, job[0]), job[1]), jobs))
    for (args, code, stdout, stderr), printing in results:
        _check(args, stdout, stderr, printing=printing)
        expected = 1 if failing and "export" in args else 0
        assert code == expected, (args, stderr)
        if "status" in args:
            # Indexes are shown without their userinfo, username included.
            assert "https://public.example/" in stdout and "https://public2.example/" in stdout
            assert "https://envpub.example/" in stdout and "@" not in stdout
        if "--debug" in args and "init" not in args:
            assert "uvcreds: debug: " in stderr
    for args in CHANGING:
        for variant in (args, ["--debug", *args]):
            ran_args, code, stdout, stderr = _run(setup, variant)
            _check(ran_args, stdout, stderr, printing=False)
            assert code == (1 if failing and "refresh" in args else 0), (variant, stderr)
    github = Path(setup.env["GITHUB_ENV"]).read_text()
    assert all(secret in github for secret in PRINTED)


def test_a_corrupt_cache_holding_a_secret_is_not_quoted(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    setup = _setup(tmp_path, isolated_env, failing=False)
    cache = Path(setup.env["UVCREDS_CACHE_DIR"]) / "tokens.json"
    for garbage in (f'{{"version": 1, "tokens": {{"{UNRELATED}"', f"\xff{UNRELATED}\x00"):
        cache.write_bytes(garbage.encode("utf-8", "surrogateescape"))
        for args in (["export"], ["status"], ["hook", "bash"]):
            _, code, stdout, stderr = _run(setup, args)
            assert code == 0, stderr
            _check(args, stdout, stderr, printing=args[0] != "status")


_USERINFO = st.text(
    st.characters(codec="ascii", min_codepoint=0x21, exclude_characters="/?#\\"), min_size=1
)


@given(user=_USERINFO.filter(lambda u: ":" not in u and "@" not in u), password=_USERINFO)
@settings(max_examples=2000, deadline=None)
def test_shown_urls_carry_no_userinfo(user: str, password: str) -> None:
    """However the password is written (`@` and `:` included), no part of the userinfo is
    shown, nor the query (which may carry a token)."""
    url = f"https://{user}:{password}@host.example:8443/simple/?q=1#f"
    assert display(url) == "https://host.example:8443/simple/"


def test_status_never_shows_a_secret_with_an_expired_token(
    tmp_path: Path, isolated_env: dict[str, str]
) -> None:
    setup = _setup(tmp_path, isolated_env, failing=False)
    assert _run(setup, ["export"])[1] == 0
    cache = Path(setup.env["UVCREDS_CACHE_DIR"]) / "tokens.json"
    document = json.loads(cache.read_text())
    for entry in document["tokens"].values():
        entry.update(expires_at=time.time() - 10, due_at=time.time() - 100)
    cache.write_text(json.dumps(document))
    for args in (["status"], ["status", "--json"], ["--debug", "status"]):
        _, code, stdout, stderr = _run(setup, args)
        assert code == 0
        _check(args, stdout, stderr, printing=False)
        assert "expired" in stdout
