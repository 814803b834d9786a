"""`uvcreds exec -- uv …` decides for the command it runs, read from uv's own options, with
real uv against logging indexes that demand the password (DESIGN.md, the `exec` row and
"Each uv command reads its own set").

`real` serves the project; `decoy` is another server, bound by the user to another secret,
that a project in the current directory points the same index name at.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.testing.fakes.index import FakeIndex, build_wheel
from tests.testing.helpers import (
    credential,
    run,
    uv_bin,
    uvcreds_cmd,
    write_project,
    write_user_config,
)

USER = "me"
SECRET, DECOY_SECRET = "real-secret.A1/+=", "decoy-secret.B2/+="


@pytest.fixture
def real(tmp_path: Path) -> Iterator[FakeIndex]:
    with FakeIndex(tmp_path / "real-packages", {USER: SECRET}) as fake:
        fake.add_wheel("tinypkg", "0.1.0")
        yield fake


@pytest.fixture
def decoy(tmp_path: Path) -> Iterator[FakeIndex]:
    with FakeIndex(tmp_path / "decoy-packages", {USER: DECOY_SECRET}) as fake:
        fake.add_wheel("tinypkg", "0.1.0")
        yield fake


@pytest.fixture
def env(isolated_env: dict[str, str], real: FakeIndex, decoy: FakeIndex) -> dict[str, str]:
    write_user_config(
        isolated_env,
        credential(real.simple_url, "REAL_SECRET", username=USER)
        + credential(decoy.simple_url, "DECOY_SECRET", username=USER),
    )
    return {**isolated_env, "REAL_SECRET": SECRET, "DECOY_SECRET": DECOY_SECRET}


@pytest.fixture
def dump(tmp_path: Path, env: dict[str, str]) -> Path:
    """A `uv` first on PATH that writes its environment to a file, then runs the real uv."""
    shim = tmp_path / "shim"
    shim.mkdir()
    out = tmp_path / "child-env.json"
    for name in ("uv", "uvx"):
        program = shim / name
        real_uv = str(Path(uv_bin()).with_name(name))
        program.write_text(
            f"#!{sys.executable}\nimport json, os, sys\n"
            f"open({str(out)!r}, 'w').write(json.dumps(dict(os.environ)))\n"
            f"os.execv({real_uv!r}, [{real_uv!r}, *sys.argv[1:]])\n"
        )
        program.chmod(0o755)
    env["PATH"] = f"{shim}{os.pathsep}{env['PATH']}"
    return out


def child_env(dump: Path) -> dict[str, str]:
    """The variables uvcreds gave the child (the secrets' own source variables are the
    user's, and stay)."""
    loaded: dict[str, str] = json.loads(dump.read_text())
    return {name: value for name, value in loaded.items() if name.startswith("UV_")}


def uv_exec(cwd: Path, env: dict[str, str], *argv: str) -> tuple[int, str]:
    done = run([*uvcreds_cmd(), "exec", "--", "uv", *argv], env, cwd=cwd, timeout=120)
    return done.returncode, done.stderr


def authenticated(index: FakeIndex, secret: str) -> bool:
    return any(r.password == secret and r.status == 200 for r in index.requests)


def secrets_seen(index: FakeIndex) -> set[str]:
    return {r.password for r in index.requests if r.password in (SECRET, DECOY_SECRET)}


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    directory = tmp_path / "outside"
    directory.mkdir()
    return directory


@pytest.mark.parametrize(
    "global_options",
    [
        ["--directory", "../proj"],
        ["--directory=../proj"],
        ["--project", "../proj"],
        ["-v", "--offline", "--no-offline", "--project", "../proj/pyproject.toml"],
    ],
)
@pytest.mark.parametrize("subcommand", ["lock", "sync"])
def test_a_project_elsewhere(
    global_options: list[str],
    subcommand: str,
    tmp_path: Path,
    outside: Path,
    env: dict[str, str],
    dump: Path,
    real: FakeIndex,
) -> None:
    write_project(tmp_path / "proj", [("corp", real.simple_url)])
    # global options before the subcommand, and (for sync) after it, as clap takes them
    argv = [*global_options, subcommand] if subcommand == "lock" else [subcommand, *global_options]
    status, stderr = uv_exec(outside, env, *argv, "--no-cache")
    assert status == 0, stderr
    assert authenticated(real, SECRET)
    assert child_env(dump)["UV_INDEX_CORP_PASSWORD"] == SECRET


def test_a_decoy_in_the_current_directory_gets_nothing(
    tmp_path: Path, env: dict[str, str], dump: Path, real: FakeIndex, decoy: FakeIndex
) -> None:
    """`uv --project ../real lock` run inside a project that points `corp` at the decoy."""
    write_project(tmp_path / "proj", [("corp", real.simple_url)])
    here = tmp_path / "decoy"
    write_project(here, [("corp", decoy.simple_url)])
    status, stderr = uv_exec(here, env, "--project", "../proj", "lock", "--no-cache")
    assert status == 0, stderr
    seen = child_env(dump)
    assert seen["UV_INDEX_CORP_PASSWORD"] == SECRET
    assert DECOY_SECRET not in seen.values()
    assert decoy.requests == []
    # and in the decoy itself, without --project, the decoy's own binding applies
    status, stderr = uv_exec(here, env, "lock", "--no-cache")
    assert status == 0, stderr
    assert child_env(dump)["UV_INDEX_CORP_PASSWORD"] == DECOY_SECRET
    assert secrets_seen(real) == {SECRET}


def test_a_config_file_relative_to_the_directory(
    tmp_path: Path, outside: Path, env: dict[str, str], dump: Path, real: FakeIndex
) -> None:
    write_project(tmp_path / "plain", [], default=False)
    (tmp_path / "plain" / "ci.toml").write_text(
        f'[[index]]\nname = "ci-corp"\nurl = "{real.simple_url}"\ndefault = true\n'
    )
    status, stderr = uv_exec(
        outside, env, "--directory", "../plain", "lock", "--config-file", "ci.toml", "--no-cache"
    )
    assert status == 0, stderr
    assert child_env(dump)["UV_INDEX_CI_CORP_PASSWORD"] == SECRET
    assert authenticated(real, SECRET)


@pytest.mark.parametrize("option", ["--index", "--default-index"])
def test_an_index_named_on_the_command_line(
    option: str,
    tmp_path: Path,
    env: dict[str, str],
    dump: Path,
    real: FakeIndex,
    decoy: FakeIndex,
) -> None:
    """`--index corp=URL` replaces a `UV_INDEX` that names the decoy (and `--default-index`
    a `UV_DEFAULT_INDEX`), as in clap."""
    write_project(tmp_path / "plain", [], default=False)
    variable = {"--index": "UV_INDEX", "--default-index": "UV_DEFAULT_INDEX"}[option]
    env[variable] = f"corp={decoy.simple_url}"
    argv = ["lock", "--no-cache", option, f"corp={real.simple_url}"]
    if option == "--index":
        argv += ["--default-index", real.simple_url]  # unnamed: never PyPI
    status, stderr = uv_exec(tmp_path / "plain", env, *argv)
    assert status == 0, stderr
    assert child_env(dump)["UV_INDEX_CORP_PASSWORD"] == SECRET
    assert decoy.requests == []


def test_uvx_reads_no_project(
    tmp_path: Path, env: dict[str, str], dump: Path, real: FakeIndex, decoy: FakeIndex
) -> None:
    """uvx in the decoy project: its `--index corp=URL` is the one uv uses."""
    here = tmp_path / "decoy"
    write_project(here, [("corp", decoy.simple_url)])
    argv = [*uvcreds_cmd(), "exec", "--", "uvx", "--no-cache", "--index", f"corp={real.simple_url}"]
    argv += ["--default-index", real.simple_url, "--from", "tinypkg", "python", "-c", "pass"]
    run(argv, env, cwd=here, timeout=120)
    seen = child_env(dump)
    assert seen["UV_INDEX_CORP_PASSWORD"] == SECRET
    assert DECOY_SECRET not in seen.values()
    assert authenticated(real, SECRET)
    assert decoy.requests == []


def test_uv_pip_with_an_index_url_of_the_project(
    tmp_path: Path, env: dict[str, str], dump: Path, real: FakeIndex, decoy: FakeIndex
) -> None:
    """`uv --project P pip install --index-url URL`: uv pip reads P's settings (measured, uv
    0.13.10: `--project` moves them for pip too), and P's `corp` has that URL."""
    write_project(tmp_path / "proj", [("corp", real.simple_url)])
    here = tmp_path / "decoy"
    write_project(here, [("corp", decoy.simple_url)])
    argv = ["--project", "../proj", "pip", "install", "--no-cache", "--python", sys.executable]
    argv += ["--target", str(tmp_path / "target"), "--index-url", real.simple_url, "tinypkg"]
    status, stderr = uv_exec(here, env, *argv)
    assert status == 0, stderr
    assert child_env(dump)["UV_INDEX_CORP_PASSWORD"] == SECRET
    assert decoy.requests == []


def test_uv_pip_reads_no_member(
    tmp_path: Path, env: dict[str, str], dump: Path, real: FakeIndex, decoy: FakeIndex
) -> None:
    """A member's `corp` on the decoy is no index of `uv pip`'s; it still may block the
    variable (a member's sources could send it there), but never gets it."""
    root = tmp_path / "ws"
    write_project(
        root, [("corp", real.simple_url)], '[tool.uv.workspace]\nmembers = ["m"]\n', name="ws"
    )
    write_project(root / "m", [("corp", decoy.simple_url)], name="m")
    argv = ["pip", "install", "--no-cache", "--python", sys.executable]
    argv += ["--target", str(tmp_path / "target"), "tinypkg"]
    uv_exec(root, env, *argv)
    seen = child_env(dump)
    assert DECOY_SECRET not in seen.values()
    assert decoy.requests == []


def test_publish_where_a_member_shadows_the_name(
    tmp_path: Path, env: dict[str, str], dump: Path, real: FakeIndex, decoy: FakeIndex
) -> None:
    """`uv publish --index corp` reads the settings files alone: a member's `corp` on the
    decoy, which makes `uv lock` withhold the variable, is no index of publish's."""
    root = tmp_path / "ws"
    write_project(
        root,
        [("corp", real.simple_url)],
        '[tool.uv.workspace]\nmembers = ["m"]\n',
        name="ws",
        publish_urls=True,
    )
    write_project(root / "m", [("corp", decoy.simple_url)], name="m")
    locked, stderr = uv_exec(root, env, "lock", "--no-cache")
    assert locked != 0
    assert "UV_INDEX_CORP_PASSWORD is not exported" in stderr
    wheel = build_wheel(tmp_path / "dist", "pubpkg", "1.0.0")
    argv = ["publish", "--no-cache", "--index", "corp", "--trusted-publishing", "never"]
    status, stderr = uv_exec(root, env, *argv, str(wheel))
    assert status == 0, stderr
    assert (real.packages_dir / wheel.name).is_file()
    seen = child_env(dump)
    assert (seen["UV_PUBLISH_USERNAME"], seen["UV_PUBLISH_PASSWORD"]) == (USER, SECRET)
    assert DECOY_SECRET not in seen.values()
    assert decoy.requests == []


def test_publish_url_from_the_command_line(
    tmp_path: Path, outside: Path, env: dict[str, str], dump: Path, real: FakeIndex
) -> None:
    """`uv publish --publish-url URL` from anywhere: the binding that covers URL."""
    wheel = build_wheel(tmp_path / "dist", "pubpkg", "1.0.0")
    argv = ["publish", "--no-cache", "--trusted-publishing", "never"]
    status, stderr = uv_exec(outside, env, *argv, "--publish-url", real.url, str(wheel))
    assert status != 0  # the binding is for …/simple/, and the upload URL is above it
    assert f"no credential is bound to its publish URL {real.url}" in stderr
    assert "UV_PUBLISH_PASSWORD" not in child_env(dump)
    assert secrets_seen(real) == set()
    write_user_config(env, credential(real.url, "REAL_SECRET", username=USER))
    status, stderr = uv_exec(outside, env, *argv, "--publish-url", real.url, str(wheel))
    assert status == 0, stderr
    assert (real.packages_dir / wheel.name).is_file()


def test_publish_url_from_the_settings(
    tmp_path: Path, env: dict[str, str], dump: Path, real: FakeIndex, decoy: FakeIndex
) -> None:
    """`[tool.uv] publish-url` (uv publish reads it, measured with uv 0.13.10), and the
    decoy's index of the same name is no destination of publish's."""
    here = tmp_path / "proj"
    write_project(here, [("corp", decoy.simple_url)], f'[tool.uv]\npublish-url = "{real.url}"\n')
    write_user_config(env, credential(real.url, "REAL_SECRET", username=USER))
    wheel = build_wheel(tmp_path / "dist", "pubpkg", "1.0.0")
    status, stderr = uv_exec(here, env, "publish", "--trusted-publishing", "never", str(wheel))
    assert status == 0, stderr
    assert (real.packages_dir / wheel.name).is_file()
    assert child_env(dump)["UV_PUBLISH_PASSWORD"] == SECRET
    assert decoy.requests == []


SCRIPT = """\
# /// script
# requires-python = ">=3.9"
# dependencies = ["tinypkg"]
#
# [[tool.uv.index]]
# name = "script-corp"
# url = {url}
# default = true
# ///
print("script ran")
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["--directory", "../scripts", "run", "s.py"],
        ["run", "--directory=../scripts", "--script", "s.py"],
        ["--directory", "../scripts", "lock", "--script", "s.py"],
    ],
)
def test_a_script_beside_the_directory(
    argv: list[str],
    tmp_path: Path,
    outside: Path,
    env: dict[str, str],
    dump: Path,
    real: FakeIndex,
) -> None:
    """The script path is the uv process's: relative to `--directory`."""
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "s.py").write_text(SCRIPT.format(url=json.dumps(real.simple_url)))
    status, stderr = uv_exec(outside, env, *argv)
    assert status == 0, stderr
    assert authenticated(real, SECRET)
    assert child_env(dump)["UV_INDEX_SCRIPT_CORP_PASSWORD"] == SECRET


def test_publish_gets_only_the_checked_index_variable(
    tmp_path: Path, env: dict[str, str], dump: Path, real: FakeIndex, decoy: FakeIndex
) -> None:
    """`uv publish --index corp` requests corp's URL and its publish-url, nothing else: the
    other settings index's variable is not handed to it."""
    root = tmp_path / "proj"
    write_project(root, [("other", decoy.simple_url), ("corp", real.simple_url)], publish_urls=True)
    wheel = build_wheel(tmp_path / "dist", "pubpkg", "1.0.0")
    argv = ["publish", "--no-cache", "--index", "corp", "--trusted-publishing", "never"]
    status, stderr = uv_exec(root, env, *argv, str(wheel))
    assert status == 0, stderr
    seen = child_env(dump)
    assert seen["UV_INDEX_CORP_PASSWORD"] == SECRET
    assert "UV_INDEX_OTHER_PASSWORD" not in seen
    assert decoy.requests == []
