"""Secret-free shell mode (issue 12) in real interactive bash, zsh and fish.

The rc file evals `uvcreds init SHELL --keyring` (driver.py's rc files, with `--keyring`
added to both `init` lines). The project's one index is the local password-protected index,
bound in the user's config to CodeArtifact (the fake), so its password is a token minted
by a vendor and held in uvcreds' cache alone: the shell gets the username,
`UV_KEYRING_PROVIDER=subprocess` and uvcreds' private `bin` first on PATH, and uv asks that
directory's `keyring` for the token at request time.

A package `dumper`, only an sdist on that index, has an in-tree PEP 517 backend that
appends its whole environment to a file at every hook uv calls: what every sdist built
during `uv lock` and `uv sync` could read. A control test shows the same dump does catch
an exported password.
"""

from __future__ import annotations

import io
import json
import os
import shlex
import tarfile
from pathlib import Path

import pytest

from tests.testing import shells as driver
from tests.testing.fakes.codeartifact import CodeArtifactFake
from tests.testing.fakes.index import FakeIndex
from tests.testing.helpers import run, uv_bin, uvcreds_cmd, write_project, write_user_config
from tests.testing.shells import SHELLS, Session, make_env, write_logging_uvcreds

SECRET = "ca-secret-free.Tok/+="  # what the fake CodeArtifact mints
PROFILE_SECRET = "secret-dev"  # the AWS profile's secret key (in its config file, never env)
USERNAME_VAR = "UV_INDEX_CORP_USERNAME"
PASSWORD_VAR = "UV_INDEX_CORP_PASSWORD"
WATCHED = (USERNAME_VAR, PASSWORD_VAR, "UV_KEYRING_PROVIDER", "PATH")
ADDED = "/added by the user"  # a PATH entry the user adds while in the project

# How a user adds to PATH in each shell, at the front and at the end.
ADD_TO_PATH = {
    "bash": f'export PATH="/front:$PATH:{ADDED}"',
    "zsh": f'export PATH="/front:$PATH:{ADDED}"',
    "fish": f"set -gx PATH /front $PATH '{ADDED}'",
}

_BACKEND = '''\
"""A PEP 517 backend that writes down the environment it was given, then builds a wheel."""
import base64, hashlib, json, os, zipfile

DUMP = {dump!r}
NAME, VERSION = "dumper", "0.1"
INFO = f"{{NAME}}-{{VERSION}}.dist-info"


def _dump(hook):
    with open(DUMP, "a") as out:
        out.write(json.dumps({{"hook": hook, "env": dict(os.environ)}}) + "\\n")


def _files():
    return {{
        f"{{NAME}}/__init__.py": "",
        f"{{INFO}}/METADATA": f"Metadata-Version: 2.1\\nName: {{NAME}}\\nVersion: {{VERSION}}\\n",
        f"{{INFO}}/WHEEL": "Wheel-Version: 1.0\\nGenerator: dumper\\nRoot-Is-Purelib: true\\n"
        "Tag: py3-none-any\\n",
    }}


def get_requires_for_build_wheel(config_settings=None):
    _dump("get_requires_for_build_wheel")
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _dump("prepare_metadata_for_build_wheel")
    os.makedirs(os.path.join(metadata_directory, INFO))
    for path, text in _files().items():
        if path.startswith(INFO):
            with open(os.path.join(metadata_directory, path), "w") as out:
                out.write(text)
    return INFO


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _dump("build_wheel")
    name = f"{{NAME}}-{{VERSION}}-py3-none-any.whl"
    files = _files()
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{{path}},sha256={{digest.decode()}},{{len(text.encode())}}")
    files[f"{{INFO}}/RECORD"] = "\\n".join(record + [f"{{INFO}}/RECORD,,"]) + "\\n"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as wheel:
        for path, text in files.items():
            wheel.writestr(path, text)
    return name
'''

# No [project] table, and PKG-INFO older than 2.2: uv cannot read the metadata without
# asking the backend, so the backend runs during `uv lock` as well as `uv sync`.
_PYPROJECT = """\
[build-system]
requires = []
build-backend = "backend"
backend-path = ["."]
"""


def write_dumper_sdist(directory: Path, dump: Path) -> Path:
    """`dumper-0.1.tar.gz`, an sdist whose in-tree backend appends its environment to
    `dump`, one JSON line per hook."""
    members = {
        "PKG-INFO": "Metadata-Version: 2.1\nName: dumper\nVersion: 0.1\n",
        "pyproject.toml": _PYPROJECT,
        "backend.py": _BACKEND.format(dump=str(dump)),
    }
    sdist = directory / "dumper-0.1.tar.gz"
    with tarfile.open(sdist, "w:gz") as tar:
        for name, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(f"dumper-0.1/{name}")
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return sdist


def dumps(dump: Path) -> list[tuple[str, dict[str, str]]]:
    """(hook, environment) of every backend hook that ran so far."""
    if not dump.exists():
        return []
    return [(d["hook"], d["env"]) for d in map(json.loads, dump.read_text().splitlines())]


def assert_no_secret(environment: dict[str, str], where: str) -> None:
    passwords = [name for name in environment if name.endswith("_PASSWORD")]
    assert not passwords, f"{where}: {passwords}"
    for name, value in environment.items():
        for secret in (SECRET, PROFILE_SECRET):
            assert secret not in value, f"{where}: the secret is in {name}"


def binding(index: FakeIndex) -> str:
    """The user's config: the local index's URL is CodeArtifact behind a custom domain."""
    return (
        f'[[credential]]\nurl = "{index.url}"\nprovider = "aws"\ndomain = "acme"\n'
        'domain-owner = "111122223333"\nregion = "eu-west-1"\n'
    )


@pytest.fixture
def keyring_rc(monkeypatch: pytest.MonkeyPatch) -> None:
    """driver.py's rc files with `uvcreds init SHELL --keyring` in place of `init SHELL`."""
    for shell in SHELLS:
        text = driver._RC[shell]
        assert text.count(f"EXE init {shell}") == 2
        monkeypatch.setitem(
            driver._RC, shell, text.replace(f"EXE init {shell}", f"EXE init {shell} --keyring")
        )


@pytest.fixture
def vendor(codeartifact: CodeArtifactFake, index: FakeIndex) -> CodeArtifactFake:
    """The fake CodeArtifact minting SECRET, which the local index takes from `aws`."""
    codeartifact.token = SECRET
    index.creds = {"aws": SECRET}
    return codeartifact


def shell_env(tmp_path: Path, codeartifact: CodeArtifactFake, index: FakeIndex) -> dict[str, str]:
    """driver.make_env, with AWS credentials from a profile in a file (no key in the
    environment) and boto3 sent to the fake."""
    env = make_env(tmp_path)
    env.update(
        codeartifact.aws_env(
            tmp_path, access_key_id=None, profiles={"dev": "AKIDPROFILE"}, profile="dev"
        )
    )
    write_user_config(env, binding(index))
    return env


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.usefixtures("keyring_rc")
def test_no_secret_reaches_a_child_or_a_build_backend(
    shell: str, tmp_path: Path, index: FakeIndex, vendor: CodeArtifactFake
) -> None:
    dump = tmp_path / "backend-env.jsonl"
    write_dumper_sdist(index.packages_dir, dump)
    env = shell_env(tmp_path, vendor, index)
    private_bin = str(Path(env["UVCREDS_CACHE_DIR"]) / "bin")
    project = tmp_path / "work dir" / "project"
    write_project(project, [("corp", index.simple_url)], dependencies=("tinypkg", "dumper"))
    exe = write_logging_uvcreds(tmp_path / "bin dir")
    uv = shlex.quote(uv_bin())

    with Session(shell, exe, env, Path(env["HOME"]), tmp_path / "strace.log") as sh:
        assert sh.calls() == [f"init {shell} --keyring"] * 2 + [f"hook {shell} --keyring"]

        # Entering: the username, the keyring provider, uvcreds' keyring first on PATH.
        sh.run(f"cd {shlex.quote(str(project))}")
        assert sh.calls()[-1] == f"hook {shell} --keyring"
        assert sh.env(*WATCHED) == {
            USERNAME_VAR: "aws",
            PASSWORD_VAR: None,
            "UV_KEYRING_PROVIDER": "subprocess",
            "PATH": os.pathsep.join([private_bin, env["PATH"]]),
        }
        assert Path(private_bin, "keyring").is_file()
        assert len(vendor.token_requests()) == 1  # minted once, into uvcreds' cache

        # A child's whole environment: no password variable, no secret in any value.
        prompt = sh.run("echo '<<''<<'; env; echo '>>''>>'")  # the echo of the line differs
        listed = prompt.output.split("<<<<\n", 1)[1].split(">>>>", 1)[0]
        child = dict(line.split("=", 1) for line in listed.splitlines() if "=" in line)
        assert child.get("UV_KEYRING_PROVIDER") == "subprocess", listed
        assert_no_secret(child, "env")
        assert SECRET not in prompt.output

        # uv authenticates through the keyring; the sdist's backend finds no secret.
        index.requests.clear()
        assert sh.run(f"{uv} lock").status == 0
        assert (project / "uv.lock").is_file()
        assert ("aws", SECRET, 200) in [(r.username, r.password, r.status) for r in index.requests]
        assert {r.password for r in index.requests} <= {None, "", SECRET}
        locked = dumps(dump)
        assert locked, "the backend did not run during uv lock"
        assert sh.run(f"{uv} sync --no-cache").status == 0
        assert list(project.glob(".venv/lib/python*/site-packages/dumper/__init__.py"))
        synced = dumps(dump)
        assert "build_wheel" in [hook for hook, _ in synced[len(locked) :]], synced
        for hook, environment in synced:
            assert environment.get("UV_KEYRING_PROVIDER") == "subprocess"
            assert_no_secret(environment, f"the build backend's {hook}")
        assert len(vendor.token_requests()) == 1  # the keyring answered from the cache

        # Nothing changed: no uvcreds, and no process at all, at 100 prompts.
        calls = len(sh.calls())
        quiet = [sh.mark()]
        sh.enter(100)
        quiet.append(sh.mark())
        assert len(sh.calls()) == calls

    assert sh.process_creations(*quiet) == []


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.usefixtures("keyring_rc")
def test_leaving_restores_path_and_unsets_the_rest(
    shell: str, tmp_path: Path, index: FakeIndex, vendor: CodeArtifactFake
) -> None:
    """Outside a project the shell is as the user had it; entering adds uvcreds' variables
    and its PATH entry; leaving takes them out again, keeping what the user added."""
    env = shell_env(tmp_path, vendor, index)
    private_bin = str(Path(env["UVCREDS_CACHE_DIR"]) / "bin")
    project = tmp_path / "project"
    write_project(project, [("corp", index.simple_url)])
    exe = write_logging_uvcreds(tmp_path / "bin dir")
    outside = {USERNAME_VAR: None, PASSWORD_VAR: None, "UV_KEYRING_PROVIDER": None}

    with Session(shell, exe, env, Path(env["HOME"]), tmp_path / "strace.log") as sh:
        assert sh.env(*WATCHED) == {**outside, "PATH": env["PATH"]}
        sh.run(f"cd {shlex.quote(str(project))}")
        inside = sh.env(*WATCHED)
        assert (inside[USERNAME_VAR], inside["UV_KEYRING_PROVIDER"]) == ("aws", "subprocess")
        assert inside["PATH"] == os.pathsep.join([private_bin, env["PATH"]])

        sh.run(ADD_TO_PATH[shell])
        sh.run("cd ~")
        path = os.pathsep.join(["/front", env["PATH"], ADDED])
        assert sh.env(*WATCHED) == {**outside, "PATH": path}


def test_the_dump_catches_an_exported_password(
    tmp_path: Path, index: FakeIndex, vendor: CodeArtifactFake
) -> None:
    """The control: without --keyring, the same backend finds the token uv was given."""
    dump = tmp_path / "backend-env.jsonl"
    write_dumper_sdist(index.packages_dir, dump)
    env = shell_env(tmp_path, vendor, index)
    project = tmp_path / "project"
    write_project(project, [("corp", index.simple_url)], dependencies=("tinypkg", "dumper"))
    done = run([*uvcreds_cmd(), "exec", "--", uv_bin(), "lock"], env, cwd=project)
    assert done.returncode == 0, done.stderr
    found = dumps(dump)
    assert found and all(environment[PASSWORD_VAR] == SECRET for _, environment in found)
