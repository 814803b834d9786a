"""Malformed input, fuzzed: every case is a one-line `uvcreds: ` message with the documented
exit status (export 1, hook 0, usage 2), never a traceback, never a hang.

Each example builds a fresh project, user config and cache in a temporary directory and runs
the real CLI on it; examples are few and batched, since each costs a subprocess.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.testing.fakes.codeartifact import CodeArtifactFake
from tests.testing.helpers import credential_table, make_isolated_env, toml_str, uvcreds_cmd
from tests.testing.hostile import NO_SHRINK, assert_clean_stderr

SECRET = "malformed-secret-31d7"
MINTED = "minted-token-8e02"
PYPROJECT = """\
[project]
name = "victim"
version = "0"

[tool.uv]
[[tool.uv.index]]
name = "corp"
url = "https://corp.example/simple/"

[[tool.uv.index]]
name = "mint"
url = "https://mint.example/simple/"
default = true

[tool.uvcreds.index.corp]
username = "team"
"""
MINT = f"""\
import json, sys, time
json.dump({{"password": {MINTED!r}, "expires": time.time() + 3600}}, sys.stdout)
"""
EXPECTED = {
    "UV_INDEX_CORP_USERNAME": "team",
    "UV_INDEX_CORP_PASSWORD": SECRET,
    "UV_INDEX_MINT_USERNAME": "",
    "UV_INDEX_MINT_PASSWORD": MINTED,
}
SLOW = settings(
    deadline=None,
    phases=NO_SHRINK,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class Ran:
    returncode: int
    stdout: str
    messages: list[str]


@dataclass
class World:
    """A project, the user's config and cache, and the environment to run uvcreds in."""

    root: Path
    env: dict[str, str]

    @property
    def project(self) -> Path:
        return self.root / "project"

    @property
    def config(self) -> Path:
        return Path(self.env["UVCREDS_CONFIG"])

    @property
    def cache_dir(self) -> Path:
        return Path(self.env["UVCREDS_CACHE_DIR"])

    @property
    def tokens(self) -> Path:
        return self.cache_dir / "tokens.json"

    def files(self) -> dict[str, Path]:
        return {
            "pyproject": self.project / "pyproject.toml",
            "uv.toml": self.project / "uv.toml",
            "config": self.config,
            ".env": self.project / ".env",
            "tokens": self.tokens,
        }

    def uvcreds(self, *args: str) -> Ran:
        done = subprocess.run(
            [*uvcreds_cmd(), *args],
            env=self.env,
            cwd=self.project,
            capture_output=True,
            timeout=30,
        )
        stderr = done.stderr.decode("utf-8", "backslashreplace")
        return Ran(
            done.returncode, done.stdout.decode("utf-8", "replace"), assert_clean_stderr(stderr)
        )

    def export_and_hook(self) -> tuple[Ran, Ran]:
        """`export` (exit 1 when it says anything but a warning) and `hook bash` (exit 0,
        saying the same); neither shows a secret on stderr."""
        export = self.uvcreds("export", "--format", "json")
        hook = self.uvcreds("hook", "bash")
        assert hook.returncode == 0, hook.messages
        assert hook.messages == export.messages
        assert not any(SECRET in m or MINTED in m for m in export.messages)
        return export, hook


def make_world(root: Path, *, with_mint: bool = True) -> World:
    """The valid baseline. The mint script's path is the same in every world, and so is the
    cache key of its token (the command is part of it)."""
    env = make_isolated_env(root / "env")
    env["CORP_TOKEN"] = SECRET
    world = World(root, env)
    world.project.mkdir()
    (world.project / "pyproject.toml").write_text(PYPROJECT)
    mint = Path(tempfile.gettempdir()) / "uvcreds-security-mint.py"
    if not mint.exists() or mint.read_text() != MINT:
        staged = mint.with_name(f"{mint.name}.{os.getpid()}")
        staged.write_text(MINT)
        os.replace(staged, mint)  # another test run may be executing it
    config = credential_table("https://corp.example/", provider="env", password_env="CORP_TOKEN")
    if with_mint:
        config += credential_table(
            "https://mint.example/", provider="command", command=[sys.executable, str(mint)]
        )
    world.config.parent.mkdir(parents=True, exist_ok=True)
    world.config.write_text(config)
    return world


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="uvcreds-malformed-") as directory:
        yield Path(directory)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


def test_the_valid_world_exports_everything(world: World) -> None:
    """The baseline every fuzzed case starts from."""
    export, _ = world.export_and_hook()
    assert (export.returncode, json.loads(export.stdout), export.messages) == (0, EXPECTED, [])


def _assert_export_status(export: Ran) -> None:
    """Exit 1 exactly when something went wrong (a message other than a warning)."""
    assert export.returncode == (1 if export.messages else 0), export.messages
    if export.stdout.strip():
        values = json.loads(export.stdout)
        assert set(values) <= set(EXPECTED)
        assert all(values[k] == EXPECTED[k] for k in values if k.endswith("_PASSWORD"))


@given(target=st.sampled_from(["pyproject", "config"]), cut=st.floats(0, 1))
@settings(SLOW, max_examples=14)
@example(target="pyproject", cut=0.5)
@example(target="config", cut=0.3)
def test_truncated_toml(scratch: Path, target: str, cut: float) -> None:
    with tempfile.TemporaryDirectory(dir=scratch) as root:
        world = make_world(Path(root), with_mint=False)
        path = world.files()[target]
        text = path.read_bytes()
        path.write_bytes(text[: int(len(text) * cut)])
        export, _ = world.export_and_hook()
        _assert_export_status(export)
        for message in export.messages:
            assert message.startswith(("uvcreds: /", "uvcreds: index ")), message


def _garbled(valid: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes, or the valid text with random bytes spliced in."""
    splice = st.tuples(st.integers(0, len(valid)), st.binary(min_size=1, max_size=8)).map(
        lambda p: valid[: p[0]] + p[1] + valid[p[0] :]
    )
    return st.one_of(st.binary(max_size=300), splice)


@given(data=st.data(), target=st.sampled_from(["pyproject", "uv.toml", "config", ".env"]))
@settings(SLOW, max_examples=16)
def test_random_bytes_in_any_input_file(scratch: Path, data: Any, target: str) -> None:
    with tempfile.TemporaryDirectory(dir=scratch) as root:
        world = make_world(Path(root), with_mint=False)
        path = world.files()[target]
        valid = (
            path.read_bytes() if path.exists() else b'[[index]]\nname = "u"\nurl = "https://u/"\n'
        )
        path.write_bytes(data.draw(_garbled(valid)))
        if target == ".env":  # only read for a variable the environment lacks
            world.env.pop("CORP_TOKEN")
        export, _ = world.export_and_hook()
        _assert_export_status(export)


# Every setting key, in the user's config for a provider that reads it; a wrong type for each.
KEYS_BY_PROVIDER = {
    "env": ("provider", "username", "username-env", "password-env"),
    "jfrog": ("username", "username-env", "password-env"),
    "command": ("command", "username"),
    "aws": ("profile", "region", "domain", "domain-owner", "duration"),
    "azure": ("token-env", "username"),
}
_TOML_VALUES = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=5),
        st.dates(),
        st.times(),
        st.datetimes(),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text("abc", min_size=1), children, max_size=2),
    ),
    max_leaves=5,
)


def _toml_value(value: object) -> str:
    """TOML for a value drawn from _TOML_VALUES (dates and times as TOML's own literals)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return toml_str(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"


def _wrong_for(key: str, value: object) -> bool:
    if key == "duration":
        return (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (value == 0 or 900 <= value <= 43200)
        )
    if key == "command":
        return not (isinstance(value, list) and value and all(isinstance(v, str) for v in value))
    return not isinstance(value, str)


# What each provider needs to get as far as reading the key under test.
NEEDS: dict[str, dict[str, object]] = {
    "env": {"password-env": "SECRET_A", "username": "u"},
    "jfrog": {"password-env": "SECRET_A", "username-env": "SECRET_B"},
    "command": {"command": [sys.executable, "-c", "print('t')"]},
    "aws": {"domain": "acme", "domain-owner": "111122223333", "region": "us-east-1"},
    "azure": {"token-env": "SECRET_A"},
}


@pytest.fixture(scope="module")
def quiet_codeartifact() -> Iterator[CodeArtifactFake]:
    with CodeArtifactFake() as fake:
        yield fake


@given(data=st.data())
@settings(SLOW, max_examples=8)
def test_a_wrong_type_for_every_setting_key(
    scratch: Path, quiet_codeartifact: CodeArtifactFake, data: Any
) -> None:
    """One index per (provider, key), all in one project: one message for each, naming it."""
    with tempfile.TemporaryDirectory(dir=scratch) as root_name:
        root = Path(root_name)
        world = make_world(root, with_mint=False)
        world.env.update(quiet_codeartifact.aws_env(root))
        world.env.update(SECRET_A=SECRET, SECRET_B=SECRET)
        cases = [(p, k) for p, keys in KEYS_BY_PROVIDER.items() for k in keys]
        tables, indexes = [], []
        for i, (provider, key) in enumerate(cases):
            value = data.draw(_TOML_VALUES.filter(functools.partial(_wrong_for, key)), key)
            url = f"https://k{i}.example/simple/"
            indexes.append(f'[[tool.uv.index]]\nname = "k{i}"\nurl = "{url}"\n')
            good = NEEDS[provider]
            lines = [f'[[credential]]\nurl = "{url}"\nprovider = "{provider}"']
            if key == "provider":
                lines = [f'[[credential]]\nurl = "{url}"']
            lines += [f"{k} = {_toml_value(v)}" for k, v in good.items() if k != key]
            lines.append(f"{key} = {_toml_value(value)}")
            tables.append("\n".join(lines) + "\n")
        world.config.write_text("\n".join(tables))
        (world.project / "pyproject.toml").write_text(
            '[project]\nname = "victim"\nversion = "0"\n' + "\n".join(indexes)
        )
        export = world.uvcreds("export", "--format", "json")
        assert export.returncode == 1
        assert len(export.messages) == len(cases), export.messages
        for i, (_, key) in enumerate(cases):
            [line] = [m for m in export.messages if f"https://k{i}.example/" in m]
            assert f"'{key}'" in line, line
    assert quiet_codeartifact.request_count == 0


_BASE = PYPROJECT.split("[tool.uvcreds")[0]
_PROJECT = '[project]\nname = "v"\nversion = "0"\n'
SHAPES = {
    # name: (file, TOML with {v} where the wrong value goes)
    "tool.uvcreds": ("pyproject", _BASE + "[tool]\nuvcreds = {v}\n"),
    "tool.uvcreds.index": ("pyproject", _BASE + "[tool.uvcreds]\nindex = {v}\n"),
    "tool.uvcreds.index.corp": ("pyproject", _BASE + "[tool.uvcreds.index]\ncorp = {v}\n"),
    "tool.uv.index": ("pyproject", _PROJECT + "[tool.uv]\nindex = {v}\n"),
    "index.url": ("pyproject", _PROJECT + '[[tool.uv.index]]\nname = "corp"\nurl = {v}\n'),
    "index.name": ("pyproject", _PROJECT + '[[tool.uv.index]]\nname = {v}\nurl = "https://x/"\n'),
    "uv.toml index": ("uv.toml", "index = {v}\n"),
    "credential": ("config", "credential = {v}\n"),
    "credential.url": ("config", '[[credential]]\nurl = {v}\nprovider = "env"\n'),
}


@given(shape=st.sampled_from(sorted(SHAPES)), data=st.data())
@settings(SLOW, max_examples=14)
def test_wrong_shapes_of_tables(scratch: Path, shape: str, data: Any) -> None:
    target, template = SHAPES[shape]
    # A table with unknown keys under [tool.uvcreds] (or for an index that does not exist) is
    # not wrong; anything else that is not a string, or an empty table or array, is.
    tables_ok = shape in ("tool.uvcreds", "tool.uvcreds.index")
    value = data.draw(
        _TOML_VALUES.filter(
            lambda v: (
                not isinstance(v, str)
                and v not in ({}, [])
                and not (tables_ok and isinstance(v, dict))
            )
        )
    )
    with tempfile.TemporaryDirectory(dir=scratch) as root:
        world = make_world(Path(root), with_mint=False)
        world.files()[target].write_text(template.replace("{v}", _toml_value(value)))
        export, _ = world.export_and_hook()
        _assert_export_status(export)
        assert export.returncode == 1, (shape, value)


def test_a_huge_pyproject_is_not_read(world: World) -> None:
    pyproject = world.project / "pyproject.toml"
    pyproject.write_text(PYPROJECT + "# " + "x" * (4 * 1024 * 1024) + "\n")
    export, _ = world.export_and_hook()
    assert export.messages == [
        f"uvcreds: {pyproject}: the TOML file is larger than 4 MiB; not read"
    ]
    assert export.returncode == 1
    world.config.write_text("#" * (4 * 1024 * 1024 + 1))
    pyproject.write_text(PYPROJECT)
    export, _ = world.export_and_hook()
    assert export.messages == [
        f"uvcreds: {world.config}: the TOML file is larger than 4 MiB; not read; your "
        "[[credential]] bindings are not used"
    ]


def test_files_that_are_not_regular_files(world: World) -> None:
    """Directories, FIFOs and dangling links where files are expected: skipped, no hang."""
    pyproject = world.project / "pyproject.toml"
    pyproject.write_bytes(PYPROJECT.encode() + b"# \xff\n")
    export, _ = world.export_and_hook()
    assert (export.returncode, export.messages) == (
        1,
        [f"uvcreds: {pyproject}: not UTF-8 text; fix the file"],
    )
    pyproject.write_text(PYPROJECT)
    for name in (".env", "uv.toml"):
        os.mkfifo(world.project / name)
    world.env.pop("CORP_TOKEN")  # so the .env (a FIFO) is consulted
    export, _ = world.export_and_hook()
    assert export.returncode == 1
    assert export.messages == [  # refused from their fstat, never opened for reading
        f"uvcreds: {world.project / name}: the {what} is not a regular file; not read"
        for name, what in (("uv.toml", "TOML file"), (".env", ".env file"))
    ]
    world.env["CORP_TOKEN"] = SECRET
    pyproject.unlink()
    pyproject.mkdir()
    (world.project / "uv.toml").unlink()
    (world.project / "uv.toml").symlink_to(world.project / "uv.toml")  # a loop
    export, _ = world.export_and_hook()
    # uv fails on a pyproject.toml that is a directory (EISDIR): said, as uv would.
    assert (export.returncode, export.stdout.strip(), export.messages) == (
        1,
        "{}",
        [f"uvcreds: {pyproject}: the TOML file is not a regular file; not read"],
    )
    world.config.unlink()
    world.config.mkdir()
    export, _ = world.export_and_hook()
    assert (export.returncode, export.messages) == (
        1,
        [
            f"uvcreds: {pyproject}: the TOML file is not a regular file; not read",
            f"uvcreds: {world.config}: the TOML file is not a regular file; not read; your "
            "[[credential]] bindings are not used",
        ],
    )


# The token cache: garbage bytes, JSON of the wrong shape, and the real entry with fields
# missing or of the wrong type (including what fastjson reads as NaN and infinities).
_ENTRY_FIELDS = (
    "index",
    "url",
    "provider",
    "username",
    "password",
    "fetched_at",
    "expires_at",
    "due_at",
)
_ODD_NUMBERS = st.sampled_from(
    ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e300", "-1", "0"]
)


_JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=3), children, max_size=2)
    ),
    max_leaves=5,
)


def _json_text(value: object) -> str:
    return json.dumps(value)


@st.composite
def _cache_documents(draw: Any, entry: dict[str, Any], key: str) -> bytes:
    kind = draw(st.sampled_from(["bytes", "json", "shape", "entry"]))
    if kind == "bytes":
        return bytes(draw(st.binary(max_size=200)))
    if kind == "json":
        return _json_text(draw(_JSON_VALUES)).encode()
    if kind == "shape":
        version = draw(st.one_of(st.just(1), _JSON_VALUES))
        tokens = draw(st.one_of(_JSON_VALUES, st.just({key: entry})))
        return _json_text({"version": version, "tokens": tokens}).encode()
    mutated: dict[str, str] = {k: _json_text(v) for k, v in entry.items()}
    for field in draw(
        st.lists(st.sampled_from(_ENTRY_FIELDS), min_size=1, max_size=3, unique=True)
    ):
        change = draw(st.sampled_from(["drop", "odd", "any"]))
        if change == "drop":
            mutated.pop(field, None)
        elif change == "odd":
            mutated[field] = draw(_ODD_NUMBERS)
        else:
            mutated[field] = _json_text(draw(_JSON_VALUES))
    return _document("1", key, mutated).encode()


def _document(version: str, key: str, fields: dict[str, str]) -> str:
    """A cache document from JSON texts: the version, and the fields of the one entry."""
    body = ", ".join(f"{json.dumps(k)}: {v}" for k, v in fields.items())
    return f'{{"version": {version}, "tokens": {{{json.dumps(key)}: {{{body}}}}}}}'


CORRUPT = "the token cache was corrupt and is ignored; it will be rewritten"


@pytest.fixture(scope="module")
def minted_entry(scratch: Path) -> tuple[str, dict[str, Any]]:
    """The cache key and entry a first run writes for the `mint` index."""
    world = make_world(scratch / "first")
    assert world.uvcreds("export").returncode == 0
    document = json.loads(world.tokens.read_text())
    [(key, entry)] = document["tokens"].items()
    return key, entry


@given(data=st.data())
@settings(SLOW, max_examples=16)
def test_a_corrupt_token_cache(
    scratch: Path, minted_entry: tuple[str, dict[str, Any]], data: Any
) -> None:
    key, entry = minted_entry
    content = data.draw(_cache_documents(entry, key))
    with tempfile.TemporaryDirectory(dir=scratch) as root:
        world = make_world(Path(root))
        world.cache_dir.mkdir(parents=True, exist_ok=True)
        world.tokens.write_bytes(content)
        export = world.uvcreds("export", "--format", "json")
        assert export.returncode == 0, export.messages
        assert export.messages in ([], [f"uvcreds: {world.tokens}: {CORRUPT}"])
        assert json.loads(export.stdout)["UV_INDEX_CORP_PASSWORD"] == SECRET
        if export.messages:  # rewritten, with the new token
            document = json.loads(world.tokens.read_text())
            assert document["version"] == 1
            assert document["tokens"][key]["password"] == MINTED
        hook = world.uvcreds("hook", "bash")
        assert hook.returncode == 0
        for ran in (export, hook):
            assert not any(MINTED in m for m in ran.messages)


# The shapes DESIGN.md names, each with the real key, checked every run (the fuzz above may
# or may not meet them): {field: JSON text}, None to drop the field.
DOCUMENTED_CORRUPTIONS: dict[str, dict[str, str | None]] = {
    "password missing": {"password": None},
    "username a number": {"username": "5"},
    "expires_at a string": {"expires_at": '"soon"'},
    "expired, fetched_at a string": {"expires_at": "0", "fetched_at": '"yesterday"'},
    "expired, fetched_at missing": {"expires_at": "0", "fetched_at": None},
    "due_at -Infinity": {"due_at": "-Infinity"},
    "due_at NaN": {"due_at": "NaN"},
    "expires_at Infinity, due_at 1e400": {"expires_at": "Infinity", "due_at": "1e400"},
    "expires_at NaN": {"expires_at": "NaN"},
    "due_at true": {"due_at": "true"},
}


@pytest.mark.parametrize(
    ("case", "version"),
    [(case, "1") for case in sorted(DOCUMENTED_CORRUPTIONS)]
    + [("password missing", version) for version in ("2", '"1"', "null", "[]")],
)
def test_documented_cache_corruptions(
    world: World, minted_entry: tuple[str, dict[str, Any]], case: str, version: str
) -> None:
    key, entry = minted_entry
    fields = {k: json.dumps(v) for k, v in entry.items()}
    for field, text in DOCUMENTED_CORRUPTIONS[case].items():
        if text is None:
            fields.pop(field)
        else:
            fields[field] = text
    body = ", ".join(f"{json.dumps(k)}: {v}" for k, v in fields.items())
    world.cache_dir.mkdir(parents=True, exist_ok=True)
    world.tokens.write_text(
        f'{{"version": {version}, "tokens": {{{json.dumps(key)}: {{{body}}}}}}}'
    )
    for args in (["export", "--format", "json"], ["hook", "bash"], ["status"], ["refresh"]):
        ran = world.uvcreds(*args)
        assert ran.returncode == 0, (args, ran.messages)
        messages = [m for m in ran.messages if not m.startswith("uvcreds: refreshed ")]
        assert len(messages) <= 1, ran.messages
        if messages:
            assert messages == [f"uvcreds: {world.tokens}: {CORRUPT}"]
    document = json.loads(world.tokens.read_text())
    assert document["version"] == 1 and document["tokens"][key]["password"] == MINTED


@pytest.mark.parametrize("problem", ["symlink", "group-writable", "world-writable", "not-ours"])
def test_a_cache_directory_others_could_plant_is_refused(world: World, problem: str) -> None:
    cache = world.cache_dir
    shutil.rmtree(cache)
    if problem == "symlink":
        real = world.root / "real-cache"
        real.mkdir(mode=0o700)
        cache.symlink_to(real)
        message = f"{cache}: the token cache must be a real directory, not a link or file"
    elif problem == "not-ours":
        if os.geteuid() != 0:
            pytest.skip("chown to another user needs root")
        cache.mkdir(mode=0o700)
        os.chown(cache, 65534, 65534)
        message = f"{cache}: the token cache belongs to another user; remove it"
    else:
        cache.mkdir()
        os.chmod(cache, 0o770 if problem == "group-writable" else 0o707)
        message = f"{cache}: the token cache is writable by others; run chmod 700 on it"
    before = os.lstat(cache)
    # Neither read nor written: a token is minted and handed out, and not kept there.
    export, hook = world.export_and_hook()
    assert export.returncode == 0
    assert export.messages == [f"uvcreds: {message}; nothing is kept there"]
    assert MINTED in export.stdout and MINTED in hook.stdout
    status = world.uvcreds("status")
    assert (status.returncode, status.messages) == (1, [f"uvcreds: {message}"])
    refresh = world.uvcreds("refresh")
    assert refresh.messages[0] == f"uvcreds: {message}; nothing is kept there"
    target = real if problem == "symlink" else cache
    assert sorted(os.listdir(target)) == []  # no stamp, plan, lock or token written into it
    assert os.lstat(cache).st_mtime_ns == before.st_mtime_ns


def test_the_fast_path_stops_trusting_a_cache_directory_once_others_can_write_it(
    world: World,
) -> None:
    """Plans (which variable feeds which index) live in the cache too: a directory others can
    write is refused even for a project whose secrets never touch the cache."""
    world.config.write_text(
        credential_table("https://corp.example/", provider="env", password_env="CORP_TOKEN")
    )
    (world.project / "pyproject.toml").write_text(
        PYPROJECT.replace('name = "mint"', 'name = "pub"')
    )
    first = world.uvcreds("export")
    assert (first.returncode, first.messages) == (0, [])
    os.chmod(world.cache_dir, 0o777)
    again = world.uvcreds("export")
    message = (
        f"uvcreds: {world.cache_dir}: the token cache is writable by others; run chmod 700 "
        "on it; nothing is kept there"
    )
    # The plan written before is not trusted; the answer is the full path's.
    assert (again.returncode, again.messages) == (0, [message])
    assert SECRET in again.stdout


def test_a_token_file_that_is_a_link_or_not_ours(world: World) -> None:
    assert world.uvcreds("export").returncode == 0
    world.tokens.rename(world.root / "elsewhere.json")
    world.tokens.symlink_to(world.root / "elsewhere.json")
    export = world.uvcreds("export")
    assert export.returncode == 0
    assert export.messages == [
        f"uvcreds: {world.tokens}: cannot read the token cache: Too many levels of symbolic "
        "links; it is ignored"
    ]
    assert not world.tokens.is_symlink()  # replaced by a file of ours, the link not followed
    assert (world.root / "elsewhere.json").read_text() != world.tokens.read_text()
    if os.geteuid() == 0:
        os.chown(world.tokens, 65534, 65534)
        export = world.uvcreds("export")
        assert export.messages == [
            f"uvcreds: {world.tokens}: the token cache belongs to another user; remove it; it "
            "is ignored"
        ]


def test_usage_errors_exit_2_in_one_block_without_a_traceback(world: World) -> None:
    for args in (["export", "--format", "yaml"], ["hook"], ["nope"], ["exec"], ["--bogus"]):
        done = subprocess.run(
            [*uvcreds_cmd(), *args],
            env=world.env,
            cwd=world.project,
            capture_output=True,
            text=True,
        )
        assert (done.returncode, done.stdout) == (2, ""), args
        assert "Traceback" not in done.stderr and done.stderr.startswith("Usage: uvcreds")


def test_a_dotenv_that_is_not_text_or_not_dotenv(world: World) -> None:
    """The project's .env is read only for a variable the environment lacks; when it is not
    UTF-8 that is one message, and lines python-dotenv cannot parse are skipped quietly (it
    would otherwise log them to stderr unprefixed)."""
    world.env.pop("CORP_TOKEN")
    dotenv = world.project / ".env"
    dotenv.write_bytes(b"CORP_TOKEN=\xff\xfe\n")
    export, _ = world.export_and_hook()
    assert (export.returncode, export.messages) == (
        1,
        [f"uvcreds: {dotenv}: not UTF-8 text; fix or remove it"],
    )
    dotenv.write_text(f'not a line\n"unterminated\nCORP_TOKEN={SECRET}\nX="a\n')
    export, _ = world.export_and_hook()
    assert (export.returncode, export.messages) == (0, [])
    assert json.loads(export.stdout)["UV_INDEX_CORP_PASSWORD"] == SECRET


@pytest.mark.parametrize("expires", ["-1e400", "1e400", "1e300", "-5"])
def test_a_command_printing_an_absurd_expiry(world: World, expires: str) -> None:
    mint = world.root / "absurd.py"
    mint.write_text(f'print(\'{{"password": "{MINTED}", "expires": {expires}}}\')\n')
    world.config.write_text(
        credential_table("https://corp.example/", provider="env", password_env="CORP_TOKEN")
        + credential_table(
            "https://mint.example/", provider="command", command=[sys.executable, str(mint)]
        )
    )
    export, _ = world.export_and_hook()
    assert export.returncode == 1
    assert [m.split(": ", 2)[-1] for m in export.messages] == [
        f"{sys.executable} printed an 'expires' that is neither a Unix time nor ISO 8601"
    ]
