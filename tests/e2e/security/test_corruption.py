"""Any bytes in a file uvcreds reads back (token cache, plan, stamp, trust record, the shell's
UVCREDS_STATE) are taken as absent: no traceback, every message one `uvcreds:` line, none
said twice, and the answer is still right. A seeded fuzz, so a failure can be replayed."""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.testing.helpers import make_isolated_env, run, uvcreds_cmd

SEEDS = range(8)
TOKEN = "minted-tok.9/+="
PROGRAM = (
    "import json, time; "
    f"print(json.dumps({{'username': 'me', 'password': {TOKEN!r}, 'expires': time.time() + 7200}}))"
)
FIXED = [
    b"",
    b"\x00" * 64,
    b"[" * 20_000,
    b'{"version": 1e400}',
    b'{"version": NaN}',
    b'{"a": "\\ud800"}',
    b"\xff\xfe{}",
    b'{"' + b"k" * 200_000 + b'": 1}',
    json.dumps({"tokens": {"x": {"expires_at": "soon", "due_at": None}}}).encode(),
    json.dumps({"variables": [{"stem": "X;touch pwned", "names": ["x"]}], "version": 1}).encode(),
]


def mutations(original: bytes, rng: random.Random) -> list[bytes]:
    """What a crash, a disk error or a meddler leaves: cut, flipped, spliced, replaced."""
    cut = original[: rng.randrange(len(original) + 1)]
    flipped = bytearray(original)
    for _ in range(rng.randrange(1, 8)):
        if flipped:
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
    at = rng.randrange(len(original) + 1)
    spliced = original[:at] + bytes(rng.randrange(256) for _ in range(20)) + original[at:]
    noise = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
    return [cut, bytes(flipped), spliced, noise, rng.choice(FIXED)]


@pytest.fixture
def world(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A project whose index is bound to a command that prints a token with an expiry, so
    every file is there: token cache, plan, stamps, an allow record."""
    env = make_isolated_env(tmp_path / "env")
    config = Path(env["UVCREDS_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    command = json.dumps([sys.executable, "-c", PROGRAM])
    config.write_text(
        f'[[credential]]\nurl = "https://corp.example/"\nprovider = "command"\n'
        f"command = {command}\n"
    )
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "0"\n\n[[tool.uv.index]]\nname = "corp"\n'
        'url = "https://corp.example/simple/"\n\n[tool.uvcreds.index.corp]\nusername = "me"\n'
    )
    assert run([*uvcreds_cmd(), "allow"], env, cwd=project).returncode == 0
    assert run([*uvcreds_cmd(), "export"], env, cwd=project).returncode == 0
    hooked = run([*uvcreds_cmd(), "hook", "bash"], env, cwd=project)
    assert hooked.returncode == 0 and TOKEN in hooked.stdout
    return env, project


def state_files(env: dict[str, str]) -> dict[str, Path]:
    cache = Path(env["UVCREDS_CACHE_DIR"])
    data = Path(env["XDG_DATA_HOME"]) / "uvcreds"
    found = {
        "token cache": cache / "tokens.json",
        "plan": next((cache / "plans").iterdir()),
        "allow record": next((data / "allow").iterdir()),
    }
    stamps = sorted((cache / "stamps").iterdir()) if (cache / "stamps").is_dir() else []
    if stamps:
        found["stamp"] = stamps[0]
    assert all(path.is_file() for path in found.values()), found
    return found


def assert_calm(done: object, what: str) -> None:
    stderr: str = done.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr, f"{what}:\n{stderr}"
    lines = stderr.splitlines()
    assert all(line.startswith("uvcreds: ") for line in lines), f"{what}:\n{stderr}"
    assert len(lines) == len(set(lines)), f"{what}: said twice:\n{stderr}"


COMMANDS: dict[str, Callable[[dict[str, str]], list[str]]] = {
    "export": lambda env: ["export", "--format", "json"],
    "hook": lambda env: ["hook", "bash"],
    "status": lambda env: ["status"],
    "keyring": lambda env: ["keyring", "get", "https://corp.example/simple/", "me"],
}


@pytest.mark.parametrize("seed", SEEDS)
def test_any_bytes_in_a_state_file_are_absent_not_a_crash(
    seed: int, world: tuple[dict[str, str], Path]
) -> None:
    env, project = world
    rng = random.Random(seed)
    files = state_files(env)
    name = list(files)[seed % len(files)]
    path = files[name]
    original = path.read_bytes()
    for garbage in mutations(original, rng):
        path.write_bytes(garbage)
        os.utime(path, (time.time(), time.time() + rng.random()))  # as new as the plan, or newer
        for command, argv in COMMANDS.items():
            done = run([*uvcreds_cmd(), *argv(env)], env, cwd=project)
            assert_calm(done, f"seed {seed}, {name} = {garbage[:60]!r}, {command}")
            if command == "export":
                assert done.returncode in (0, 1)
                if done.returncode == 0:  # still the right answer, from the vendor again
                    assert json.loads(done.stdout)["UV_INDEX_CORP_PASSWORD"] == TOKEN
        if path.exists():
            path.chmod(0o600)


@pytest.mark.parametrize("seed", SEEDS)
def test_any_text_in_the_shells_state_is_absent_not_a_crash(
    seed: int, world: tuple[dict[str, str], Path]
) -> None:
    env, project = world
    rng = random.Random(seed)
    hooked = run([*uvcreds_cmd(), "hook", "bash"], env, cwd=project)
    state = next(
        line.split("=", 1)[1]
        for line in hooked.stdout.splitlines()
        if line.startswith("export UVCREDS_STATE=")
    )
    for garbage in mutations(state.encode(), rng):
        text = garbage.decode("utf-8", "surrogateescape").replace("\x00", "")[:100_000]
        done = run([*uvcreds_cmd(), "hook", "bash"], {**env, "UVCREDS_STATE": text}, cwd=project)
        assert_calm(done, f"seed {seed}, UVCREDS_STATE = {text[:60]!r}")
        assert done.returncode == 0
