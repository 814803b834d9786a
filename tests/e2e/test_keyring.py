"""Secret-free mode through the keyring library: the guide's keyring recipe with uvcreds'
backend in place of each vendor's plugin, with real uv, pip, twine and keyring.

The `keyring` that uv and pip run is installed the way uv's guide says, with uvcreds in
place of the vendor's plugin: `uv tool install keyring --with-editable <this checkout>`
into a temporary tool directory (from the package locations pip is configured with, offline
when those are all local). pip `--keyring-provider import` and twine import keyring from the
test venv, where uvcreds' entry point is installed too. Every check is made on what the
tools did (exit codes, what the local index and the vendor fakes received), never on what
uvcreds says about itself.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.testing.fakes.bin import CountingWrapper, FakeBinDir
from tests.testing.fakes.codeartifact import CodeArtifactFake
from tests.testing.fakes.google import GoogleFake
from tests.testing.fakes.index import FakeIndex, build_wheel
from tests.testing.helpers import (
    credential_table,
    make_isolated_env,
    run,
    uv_bin,
    uvcreds_cmd,
    write_project,
)

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
TWINE = str(VENV_BIN / "twine")
INDEX = "private"


# --- keyring, installed as the guide says ------------------------------------------------


@dataclass(frozen=True)
class KeyringTool:
    """The `keyring` program of `uv tool install keyring --with-editable <checkout>`."""

    bin_dir: Path

    @property
    def program(self) -> Path:
        return self.bin_dir / "keyring"


def _pip_locations() -> list[str]:
    """uv arguments for where pip here is configured to find packages besides its index (a
    local folder of wheels, a local mirror); none when pip has none configured. They add to
    the registry, never replace it: a machine with a local find-links folder and an empty uv
    cache still gets the rest from the registry."""
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True
    ).stdout
    flags = {"index-url": "--index-url", "extra-index-url": "--index", "find-links": "-f"}
    args: list[str] = []
    places: list[str] = []
    for line in listed.splitlines():  # `global.extra-index-url='file:///a file:///b'`
        key, _, quoted = line.partition("=")
        flag = flags.get(key.rsplit(".", 1)[-1])
        if flag is None:
            continue
        for place in " ".join(shlex.split(quoted)).split():
            if place not in places:
                places.append(place)
                args += [flag, place]
    if places:
        args += ["--index-strategy", "unsafe-best-match"]
    return args


@pytest.fixture(scope="session")
def keyring_tool(tmp_path_factory: pytest.TempPathFactory) -> KeyringTool:
    root = tmp_path_factory.mktemp("keyring-tool")
    env = make_isolated_env(root / "env")
    env["UV_TOOL_DIR"] = str(root / "tools")
    env["UV_TOOL_BIN_DIR"] = str(root / "bin")
    argv = [uv_bin(), "tool", "install", "keyring", "--with-editable", str(ROOT)]
    argv += _pip_locations()
    done = run(argv, env, cwd=root, timeout=300)
    assert done.returncode == 0, f"{shlex.join(argv)}:\n{done.stderr}"
    tool = KeyringTool(root / "bin")
    assert tool.program.is_file(), done.stderr
    return tool


# --- one vendor, bound to the local index ------------------------------------------------


@dataclass
class Vendor:
    """How one vendor's credential reaches the local index: the username its convention
    (or the binding) gives, the token the fake hands out, the binding and environment."""

    name: str
    username: str
    token: str
    binding: dict[str, str]
    env: dict[str, str] = field(default_factory=dict)
    mints: Callable[[], int] = lambda: 0  # tokens the vendor handed out so far
    argv_logs: Callable[[], list[list[str]]] = list  # the argv of every vendor program run


def _vendor(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Vendor:
    if name == "aws":
        codeartifact: CodeArtifactFake = request.getfixturevalue("codeartifact")
        codeartifact.token = "ca-keyring.Tok/+="
        binding = {"provider": "aws", "domain": "my-dom", "domain-owner": "123456789012"}
        return Vendor(
            "aws",
            "aws",
            codeartifact.token,
            {**binding, "region": "eu-central-1"},
            codeartifact.aws_env(tmp_path),
            lambda: len(codeartifact.token_requests()),
        )
    if name == "google":
        google: GoogleFake = request.getfixturevalue("google_fake")
        google.token = "ya29.keyring-Tok/+="
        return Vendor(
            "google",
            "oauth2accesstoken",
            google.token,
            {"provider": "google"},
            google.service_account_env(tmp_path),
            lambda: google.token_count,
        )
    if name == "azure":
        bins: FakeBinDir = request.getfixturevalue("fake_bin_dir")
        index: FakeIndex = request.getfixturevalue("index")
        provider = bins.credprovider()
        provider.set_endpoint(index.simple_url, "vss-keyring-Tok/+=")
        return Vendor(
            "azure",
            "VssSessionToken",
            "vss-keyring-Tok/+=",
            {"provider": "azure"},
            {},
            lambda: provider.call_count,
            provider.calls,
        )
    # jfrog and env: a secret the user holds, bound to the index URL with its username
    # ("jfrog-token": an Artifactory access token, which goes with an empty username).
    kind, _, variant = name.partition("-")
    username = "" if variant == "token" else "deployer"
    secret = f"{kind}-keyring-Secret/+="
    variable = f"{kind.upper()}_TOKEN"
    return Vendor(
        name,
        username,
        secret,
        {"provider": kind, "username": username, "password-env": variable},
        {variable: secret},
    )


@dataclass
class Session:
    """A project whose index is the local FakeIndex, the user's binding of its URL, and the
    environment of the recipe: the installed keyring on PATH (behind a wrapper that logs
    its argv), UV_KEYRING_PROVIDER=subprocess and the vendor's username."""

    directory: Path
    env: dict[str, str]
    wrapper: CountingWrapper
    ran: list[tuple[list[str], subprocess.CompletedProcess[str]]] = field(default_factory=list)

    def run(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        input: str | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        done = run(argv, {**self.env, **(env or {})}, self.directory, input, timeout)
        self.ran.append((list(argv), done))
        return done

    def assert_no_secret_shown(self, *secrets: str) -> None:
        """No secret on any command's stderr or argv, nor on the argv of any keyring run."""
        for argv, done in self.ran:
            for secret in secrets:
                assert secret not in done.stderr, (argv, done.stderr)
                assert not any(secret in a for a in argv), argv
        for argv in self.wrapper.calls():
            for secret in secrets:
                assert not any(secret in a for a in argv), argv


def make_session(
    tmp_path: Path,
    env: Mapping[str, str],
    tool: KeyringTool,
    indexes: Sequence[tuple[str, str]],
    *,
    usernames: Mapping[str, str],
    bindings: str,
    dependencies: Sequence[str] = ("tinypkg",),
    index_keys: str = "",
) -> Session:
    """`index_keys`: TOML lines added to every `[[tool.uv.index]]` table."""
    directory = tmp_path / "project"
    pyproject = write_project(directory, indexes, dependencies=dependencies, publish_urls=True)
    if index_keys:
        text = pyproject.read_text().replace(
            "[[tool.uv.index]]\n", f"[[tool.uv.index]]\n{index_keys}\n"
        )
        pyproject.write_text(text)
    config = Path(env["UVCREDS_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(bindings)
    wrapped = tmp_path / "keyring-argv"
    wrapper = CountingWrapper(wrapped, tool.program)
    fakes = tmp_path / "fakebin"  # the fake_bin_dir fixture's directory (az, credential provider)
    path = os.pathsep.join([str(wrapped), str(tool.bin_dir), str(fakes), "/usr/bin", "/bin"])
    session_env = {
        **env,
        "PATH": path,
        "UV_KEYRING_PROVIDER": "subprocess",
        "PIP_CONFIG_FILE": os.devnull,  # pip asks only the index on its command line
        "PIP_NO_INPUT": "1",
        "TWINE_NON_INTERACTIVE": "1",
        **{f"UV_INDEX_{name}_USERNAME": username for name, username in usernames.items()},
    }
    return Session(directory, session_env, wrapper)


def pip_install(target: Path, index_url: str, provider: str, package: str = "tinypkg") -> list[str]:
    """Real pip from the test venv, asking the keyring (`import`: the keyring library in this
    venv; `subprocess`: the first `keyring` on PATH outside this venv) for the index URL."""
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--no-cache-dir",
        "--disable-pip-version-check",
        "--target",
        str(target),
        "--index-url",
        index_url,
        "--keyring-provider",
        provider,
        package,
    ]


def assert_keyring_argv(calls: Sequence[Sequence[str]], origin: str, username: str) -> None:
    """Every keyring run was asked as uv (`get URL USERNAME`, or `get URL --mode creds`
    without one) or pip (`--mode=creds --output=json get URL`) asks: a URL of this index and
    the username, nothing else."""
    assert calls
    for argv in calls:
        if argv[0] == "get":
            service = argv[1]
            assert argv[2:] in ([username], ["--mode", "creds"]), argv
        else:
            assert argv[:3] == ["--mode=creds", "--output=json", "get"] and len(argv) == 4, argv
            service = argv[3]
        assert service.startswith(origin), argv


# --- 1. the guide's recipe, one vendor at a time -----------------------------------------


@pytest.mark.parametrize("vendor_name", ["aws", "google", "azure", "jfrog", "jfrog-token", "env"])
def test_the_guides_keyring_recipe_with_uvcreds_in_place_of_the_plugin(
    vendor_name: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    isolated_env: dict[str, str],
    index: FakeIndex,
    keyring_tool: KeyringTool,
) -> None:
    """uv lock, uv sync, uv publish, pip install (import and subprocess) and twine upload all
    authenticate through the keyring, on one mint, which `uvcreds export` then prints too."""
    vendor = _vendor(vendor_name, request, tmp_path)
    index.creds = {vendor.username: vendor.token}
    session = make_session(
        tmp_path,
        {**isolated_env, **vendor.env},
        keyring_tool,
        [(INDEX, index.simple_url)],
        usernames={INDEX.upper(): vendor.username} if vendor.username else {},
        bindings=credential_table(index.url, vendor.binding),
        # Without a username uv asks the keyring only where the index says so.
        index_keys="" if vendor.username else 'authenticate = "always"',
    )
    dist = tmp_path / "dist"
    published = build_wheel(dist, "published-by-uv", "1.0")
    uploaded = build_wheel(dist, "uploaded-by-twine", "1.0")
    uv = uv_bin()
    assert not [name for name in session.env if name.endswith("_PASSWORD")]

    (session.directory / "uv.lock").unlink(missing_ok=True)
    steps = {
        "uv lock": [uv, "lock", "--no-cache"],
        "uv sync": [uv, "sync", "--no-cache"],
        "uv publish": [
            *(uv, "publish", "--no-cache", "--trusted-publishing", "never"),
            *("--index", INDEX, str(published)),
        ],
        "pip import": pip_install(tmp_path / "t-import", index.simple_url, "import"),
        "pip subprocess": pip_install(tmp_path / "t-sub", index.simple_url, "subprocess"),
        "twine upload": [
            *(TWINE, "upload", "--non-interactive", "--disable-progress-bar"),
            *("--repository-url", index.upload_url, str(uploaded)),
        ],
    }
    if not vendor.username:  # twine sends no credential with an empty username, from anywhere
        del steps["twine upload"]
    # An access token's empty username: uv publish takes it from UV_PUBLISH_USERNAME (set,
    # empty), and then asks the keyring with it.
    publish_env = {} if vendor.username else {"UV_PUBLISH_USERNAME": ""}
    for step, argv in steps.items():
        before = len(index.requests)
        done = session.run(argv, env=publish_env if step == "uv publish" else None)
        assert done.returncode == 0, f"{step}:\n{done.stdout}\n{done.stderr}"
        # Each tool got in with the vendor's credential, from the keyring.
        answered = [(r.username, r.password, r.status) for r in index.requests[before:]]
        assert (vendor.username, vendor.token, 200) in answered, (step, answered)

    assert (session.directory / ".venv").is_dir()
    assert list(session.directory.glob(".venv/lib/python*/site-packages/tinypkg/__init__.py"))
    assert (tmp_path / "t-import" / "tinypkg" / "__init__.py").is_file()
    assert (tmp_path / "t-sub" / "tinypkg" / "__init__.py").is_file()
    wheels = {published.name, uploaded.name} if "twine upload" in steps else {published.name}
    assert {p.name for p in index.packages_dir.iterdir()} >= wheels
    # No other password went to the index, and the token was never refused. (uv first tries
    # the username alone, with an empty password, before it asks the keyring.)
    assert {r.password for r in index.requests} <= {None, "", vendor.token}
    assert all(r.status not in (401, 403) for r in index.requests if r.password == vendor.token)
    uploads = [r for r in index.requests if r.method == "POST" and r.status == 200]
    assert len(uploads) == ("twine upload" in steps) + 1
    # uv asked the installed keyring (through the wrapper) with URL and username only.
    calls = session.wrapper.calls()
    uv_asks = ["--mode", "creds"] if not vendor.username else [vendor.username]
    assert ["get", index.simple_url, *uv_asks] in calls, calls
    assert ["--mode=creds", "--output=json", "get", index.simple_url] in calls, calls  # pip
    assert_keyring_argv(calls, index.url, vendor.username)
    # One mint served every tool and, afterwards, the shell route.
    exported = session.run([*uvcreds_cmd(), "export", "--format", "json"])
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)[f"UV_INDEX_{INDEX.upper()}_PASSWORD"] == vendor.token
    if vendor_name in ("aws", "google", "azure"):
        assert vendor.mints() == 1
    session.assert_no_secret_shown(vendor.token)
    for argv in vendor.argv_logs():
        assert vendor.token not in " ".join(argv)


# --- 2. one variable, two destinations; what uvcreds does not manage goes on -------------

CORP_TOKEN = "ca-corp.Tok/+="
OTHER_PASSWORD = "other-index-pass"  # what the second keyring backend holds for `corp-x`
SECOND_BACKEND = '''\
import json, os
from keyring.backend import KeyringBackend
from keyring.credentials import SimpleCredential


class SecondKeyring(KeyringBackend):
    """Stands for the OS keyring: answers from a JSON file, logs every question."""

    priority = 1

    def _ask(self, service, username):
        with open(os.environ["SECOND_KEYRING_LOG"], "a") as log:
            log.write(json.dumps(["get", service, username]) + "\\n")
        with open(os.environ["SECOND_KEYRING_ANSWERS"]) as f:
            for entry in json.load(f):
                if entry["service"] == service and username in (None, entry["username"]):
                    return entry["username"], entry["password"]
        return None

    def get_password(self, service, username):
        found = self._ask(service, username)
        return found and found[1]

    def get_credential(self, service, username):
        found = self._ask(service, username)
        return found and SimpleCredential(*found)

    def set_password(self, service, username, password):
        with open(os.environ["SECOND_KEYRING_LOG"], "a") as log:
            log.write(json.dumps(["set", service, username]) + "\\n")

    def delete_password(self, service, username):
        with open(os.environ["SECOND_KEYRING_LOG"], "a") as log:
            log.write(json.dumps(["delete", service, username]) + "\\n")
'''


@dataclass
class SecondBackend:
    """A `keyring.backends` entry point in a throwaway dist-info on PYTHONPATH."""

    path: Path
    log: Path
    answers: Path

    def env(self) -> dict[str, str]:
        return {
            "PYTHONPATH": str(self.path),
            "SECOND_KEYRING_LOG": str(self.log),
            "SECOND_KEYRING_ANSWERS": str(self.answers),
        }

    def answer(self, service: str, username: str, password: str) -> None:
        entries = json.loads(self.answers.read_text())
        entries.append({"service": service, "username": username, "password": password})
        self.answers.write_text(json.dumps(entries))

    def questions(self) -> list[list[str | None]]:
        """[what, service, username] of every call: get, set, delete."""
        return [json.loads(line) for line in self.log.read_text().splitlines()]


def make_second_backend(directory: Path) -> SecondBackend:
    directory.mkdir(parents=True)
    (directory / "second_keyring.py").write_text(SECOND_BACKEND)
    info = directory / "second_keyring-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: second-keyring\nVersion: 0\n")
    (info / "entry_points.txt").write_text("[keyring.backends]\nsecond = second_keyring\n")
    log, answers = directory / "questions.jsonl", directory / "answers.json"
    log.write_text("")
    answers.write_text("[]")
    return SecondBackend(directory, log, answers)


@pytest.fixture
def other_index(tmp_path: Path) -> Iterator[FakeIndex]:
    """`corp-x`: another host (port), serving `otherpkg`; it takes only its own password."""
    with FakeIndex(tmp_path / "other-packages", {"aws": OTHER_PASSWORD}) as fake:
        fake.add_wheel("otherpkg", "0.1.0")
        yield fake


@pytest.fixture
def corp(
    tmp_path: Path,
    isolated_env: dict[str, str],
    codeartifact: CodeArtifactFake,
    index: FakeIndex,
    other_index: FakeIndex,
    keyring_tool: KeyringTool,
) -> Session:
    """`corp_x` on the bound index (a CodeArtifact token), `corp-x` on the other: uv sends
    UV_INDEX_CORP_X_* to both. The project needs tinypkg (corp_x) and otherpkg (corp-x)."""
    codeartifact.token = CORP_TOKEN
    index.creds = {"aws": CORP_TOKEN}
    binding = {"provider": "aws", "domain": "corp", "domain-owner": "123456789012"}
    return make_session(
        tmp_path,
        {**isolated_env, **codeartifact.aws_env(tmp_path)},
        keyring_tool,
        [("corp_x", index.simple_url), ("corp-x", other_index.simple_url)],
        usernames={"CORP_X": "aws"},
        bindings=credential_table(index.url, {**binding, "region": "eu-west-1"}),
        dependencies=("tinypkg", "otherpkg"),
    )


def _passwords(index: FakeIndex) -> set[str | None]:
    return {r.password for r in index.requests}


def test_the_keyring_answers_for_the_bound_url_and_not_for_the_other(
    corp: Session, index: FakeIndex, other_index: FakeIndex, keyring_tool: KeyringTool
) -> None:
    keyring = str(keyring_tool.program)
    bound = corp.run([keyring, "get", index.simple_url, "aws"])
    assert (bound.returncode, bound.stdout) == (0, CORP_TOKEN + "\n"), bound.stderr
    creds = corp.run([keyring, "--mode", "creds", "get", index.simple_url])
    assert (creds.returncode, creds.stdout) == (0, f"aws\n{CORP_TOKEN}\n"), creds.stderr
    wrong_user = corp.run([keyring, "get", index.simple_url, "oauth2accesstoken"])
    assert (wrong_user.returncode, wrong_user.stdout) == (1, ""), wrong_user.stderr
    for service in (other_index.simple_url, other_index.url, f"127.0.0.1:{other_index.port}"):
        other = corp.run([keyring, "get", service, "aws"])
        assert (other.returncode, other.stdout) == (1, ""), (service, other.stderr)
        creds = corp.run([keyring, "--mode", "creds", "get", service])
        assert (creds.returncode, creds.stdout) == (1, ""), (service, creds.stderr)

    # Real uv: corp_x gets the token; corp-x is asked, gets nothing, and uv fails on it.
    locked = corp.run([uv_bin(), "lock", "--no-cache"])
    assert locked.returncode != 0
    assert "otherpkg" in locked.stderr
    assert (("aws", CORP_TOKEN, 200)) in {
        (r.username, r.password, r.status) for r in index.requests
    }
    assert other_index.requests and CORP_TOKEN not in _passwords(other_index)
    # pip, importing keyring, likewise.
    target = corp.directory / "t"
    pip = corp.run(pip_install(target, other_index.simple_url, "import", "otherpkg"))
    assert pip.returncode != 0
    assert CORP_TOKEN not in _passwords(other_index)
    assert {r.status for r in other_index.requests} <= {401, 403}
    corp.assert_no_secret_shown(CORP_TOKEN)


def test_what_uvcreds_does_not_manage_falls_through_to_the_next_backend(
    corp: Session,
    index: FakeIndex,
    other_index: FakeIndex,
    keyring_tool: KeyringTool,
    tmp_path: Path,
) -> None:
    second = make_second_backend(tmp_path / "second-backend")
    corp.env.update(second.env())
    second.answer(other_index.simple_url, "aws", OTHER_PASSWORD)
    second.answer("https://unknown.example/simple/", "someone", "from-the-os-keyring")
    keyring = str(keyring_tool.program)

    unknown = corp.run([keyring, "get", "https://unknown.example/simple/", "someone"])
    assert (unknown.returncode, unknown.stdout) == (0, "from-the-os-keyring\n"), unknown.stderr
    locked = corp.run([uv_bin(), "lock", "--no-cache"])
    assert locked.returncode == 0, locked.stderr
    pip = corp.run(pip_install(corp.directory / "t", other_index.simple_url, "import", "otherpkg"))
    assert pip.returncode == 0, pip.stderr

    assert {(r.username, r.password) for r in index.requests if r.password} == {("aws", CORP_TOKEN)}
    assert {(r.username, r.password) for r in other_index.requests if r.password} == {
        ("aws", OTHER_PASSWORD)
    }
    asked = {service for what, service, _ in second.questions() if what == "get"}
    assert "https://unknown.example/simple/" in asked and other_index.simple_url in asked
    assert not any(str(s).startswith(index.url) for s in asked)  # uvcreds answered for corp_x
    # uvcreds stores nothing: `keyring set` and `keyring del` go on to the next backend.
    stored = corp.run([keyring, "set", "https://unknown.example/simple/", "bob"], input="pw\n")
    deleted = corp.run([keyring, "del", "https://unknown.example/simple/", "bob"])
    assert (stored.returncode, deleted.returncode) == (0, 0), stored.stderr + deleted.stderr
    changes = [q for q in second.questions() if q[0] != "get"]
    assert changes == [
        ["set", "https://unknown.example/simple/", "bob"],
        ["delete", "https://unknown.example/simple/", "bob"],
    ]
    corp.assert_no_secret_shown(CORP_TOKEN, OTHER_PASSWORD)


def test_the_keyring_program_of_secret_free_mode_hands_the_rest_to_the_next_keyring(
    corp: Session,
    index: FakeIndex,
    other_index: FakeIndex,
    fake_bin_dir: FakeBinDir,
) -> None:
    """`uvcreds exec --keyring`: uvcreds' own `keyring` program first on PATH answers for
    corp_x; the call for corp-x goes to the next `keyring` on PATH (here a fake that logs)."""
    later = fake_bin_dir.keyring()
    later.set_password(other_index.simple_url, "aws", OTHER_PASSWORD)
    corp.env["PATH"] = os.pathsep.join([str(fake_bin_dir.path), "/usr/bin", "/bin"])
    del corp.env["UV_KEYRING_PROVIDER"], corp.env["UV_INDEX_CORP_X_USERNAME"]  # exec sets them

    exec_uv = [*uvcreds_cmd(), "exec", "--keyring", "--", uv_bin(), "lock", "--no-cache"]
    locked = corp.run(exec_uv)

    assert locked.returncode == 0, locked.stderr
    assert {(r.username, r.password) for r in index.requests if r.password} == {("aws", CORP_TOKEN)}
    assert {(r.username, r.password) for r in other_index.requests if r.password} == {
        ("aws", OTHER_PASSWORD)
    }
    calls = later.calls()
    assert ["get", other_index.simple_url, "aws"] in calls
    assert not any(index.url in " ".join(argv) for argv in calls)
    assert not any(CORP_TOKEN in " ".join(argv) for argv in calls)
    corp.assert_no_secret_shown(CORP_TOKEN, OTHER_PASSWORD)


def test_a_vendor_refusal_is_one_line_from_the_backend_and_no_answer(
    corp: Session, index: FakeIndex, codeartifact: CodeArtifactFake, keyring_tool: KeyringTool
) -> None:
    codeartifact.set_error()
    asked = corp.run([str(keyring_tool.program), "get", index.simple_url, "aws"])
    pip = corp.run(pip_install(corp.directory / "t", index.simple_url, "import"))

    assert (asked.returncode, asked.stdout) == (1, "")
    for done in (asked, pip):
        assert "Traceback" not in done.stderr
        said = [line for line in done.stderr.splitlines() if line.startswith("uvcreds: ")]
        assert len(said) == 1 and "corp_x" in said[0], done.stderr
    assert pip.returncode != 0
    assert not [r for r in index.requests if r.password]


# --- the backend in this process -----------------------------------------------------------


def test_the_backend_stores_nothing_and_lets_the_chain_go_on() -> None:
    from keyring.errors import PasswordDeleteError, PasswordSetError

    from uvcreds.keyring import UvcredsKeyring

    backend = UvcredsKeyring()  # type: ignore[no-untyped-call]  # keyring's own __init__
    assert backend.priority == 9.9  # before the OS keyrings (5), after keyring's chainer (10)
    with pytest.raises(PasswordSetError) as refused_set:
        backend.set_password("https://x.example/simple/", "me", "pw")
    with pytest.raises(PasswordDeleteError) as refused_delete:
        backend.delete_password("https://x.example/simple/", "me")
    # What ChainerBackend passes over, to ask the next backend.
    assert isinstance(refused_set.value, NotImplementedError)
    assert isinstance(refused_delete.value, NotImplementedError)
