"""Issue 11, probe by probe: each case turned into one clear line (or the right behaviour),
for real (DESIGN.md, "Security": other local users, hostile files; "Failure behaviour").

Real means: a second local user made with `useradd` plants files (as root in CI; those
tests skip, saying so, when the suite is not root); a real FIFO, a real `/proc/kmsg`, a
real 2 GB sparse file; a real 64 KiB tmpfs, full or read-only; the fake CodeArtifact
answering garbage; a real SIGINT to a process waiting on a slow vendor; real bash, zsh and
fish evaluating what uvcreds prints. Every run asserts a clean stderr (no traceback, every
line a `uvcreds: ` message), and the exact line where uvcreds prints one.

What test_malformed.py already covers the same way (a FIFO `.env` and `uv.toml`, a huge
real pyproject, a cache directory chowned to nobody, a symlinked `tokens.json`) is not
repeated here.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.security.test_malformed import EXPECTED, MINTED, PYPROJECT, SECRET, World, make_world
from tests.testing.fakes._server import Reply
from tests.testing.fakes.bin import FakeBinDir
from tests.testing.fakes.codeartifact import CodeArtifactFake, TokenRequest
from tests.testing.helpers import credential_table, make_isolated_env, uvcreds_cmd, write_project
from tests.testing.hostile import assert_clean_stderr
from tests.testing.users import OtherUser

WAITING = "uvcreds: waiting for "
CODEARTIFACT_URL = (
    "https://my-dom-123456789012.d.codeartifact.us-west-2.amazonaws.com/pypi/repo/simple/"
)
AZURE_FEED = "https://pkgs.dev.azure.com/myorg/myproject/_packaging/feed/pypi/simple/"
# One `export NAME=VALUE;` line of `export --format sh`, NAME one that uvcreds forms.
EXPORT_LINE = re.compile(r"export UV_INDEX_[A-Z0-9_]+_(USERNAME|PASSWORD)=[^\n]*;")
QUICK = 5.0  # seconds: "refused quickly", with room for a loaded CI machine


# --- running uvcreds ---------------------------------------------------------------------


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def messages(self) -> list[str]:
        """stderr lines, checked clean, less those that only say a fetch is slow."""
        return [m for m in assert_clean_stderr(self.stderr) if not m.startswith(WAITING)]

    def values(self) -> dict[str, str]:
        """stdout of `export --format json`."""
        found = json.loads(self.stdout or "{}")
        assert isinstance(found, dict)
        return {str(k): str(v) for k, v in found.items()}


def uvcreds(
    env: Mapping[str, str],
    cwd: Path | bytes,
    *args: str,
    timeout: float = 30.0,
    umask: int = -1,
) -> Ran:
    started = time.monotonic()
    done = subprocess.run(
        [*uvcreds_cmd(), *args],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        timeout=timeout,
        umask=umask,
        check=False,
    )
    return Ran(
        done.returncode,
        done.stdout.decode("utf-8", "surrogateescape"),
        done.stderr.decode("utf-8", "backslashreplace"),
        time.monotonic() - started,
    )


def run_world(world: World, *args: str, timeout: float = 30.0) -> Ran:
    return uvcreds(world.env, world.project, *args, timeout=timeout)


def assert_export_lines(stdout: str) -> None:
    """`export --format sh` printed nothing but `export UV_INDEX_…_(USERNAME|PASSWORD)=…;`."""
    for line in stdout.splitlines():
        assert EXPORT_LINE.fullmatch(line), repr(line)


def bash_eval(code: str, cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", code],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def prompts(world: World, count: int) -> list[list[str]]:
    """`eval "$(uvcreds init bash)"`, then `count` prompts in the project, as bash runs them
    (PROMPT_COMMAND); the stderr lines of each prompt."""
    init = shlex.join([*uvcreds_cmd(), "init", "bash"])
    logs = [world.root / f"prompt.{i}" for i in range(count)]
    code = f'eval "$({init})"\n' + "".join(
        f'eval "$PROMPT_COMMAND" 2>{shlex.quote(str(log))}\n' for log in logs
    )
    done = bash_eval(code, world.project, world.env)
    assert done.returncode == 0, done.stderr
    return [assert_clean_stderr(log.read_text()) for log in logs]


def every_file(*directories: Path) -> Iterator[Path]:
    for directory in directories:
        for path in directory.rglob("*"):
            if path.is_file() and not path.is_symlink():
                yield path


def assert_nowhere(secret: str, texts: Sequence[str], directories: Sequence[Path]) -> None:
    """Not in any of the texts (stderr, status), nor in any file under the directories."""
    for text in texts:
        assert secret not in text, text
    for path in every_file(*directories):
        assert secret.encode() not in path.read_bytes(), path


@pytest.fixture
def shared_world() -> Iterator[World]:
    """The baseline world (tests/security/test_malformed.py) in a directory the other user
    can reach (pytest's own tmp_path is private to root)."""
    root = Path(tempfile.mkdtemp(prefix="uvcreds-hardening-"))
    os.chmod(root, 0o755)
    try:
        yield make_world(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _listing(directory: Path) -> list[tuple[str, int, int]]:
    """Names, sizes and mtimes under a directory (links not followed)."""
    found = []
    for path in sorted(directory.rglob("*")):
        info = path.lstat()
        found.append((str(path.relative_to(directory)), info.st_size, info.st_mtime_ns))
    return found


@pytest.mark.parametrize("planted", ["link", "directory"])
def test_plans_planted_while_the_cache_was_0777_run_nothing_after_chmod_700(
    shared_world: World, other_user: OtherUser, planted: str
) -> None:
    """The other user, while the cache directory was 0777, put `plans` there: a link to, or
    a directory of, theirs, holding a plan for this project whose variable names carry
    `;touch CANARY;#`. After the advised `chmod 700`, export runs nothing and says why."""
    world = shared_world
    canary = world.root / "CANARY"
    cache = world.cache_dir
    prepared = run_world(world, "export")
    assert (prepared.returncode, prepared.messages) == (0, [])
    [plan_file] = (cache / "plans").iterdir()
    hostile = json.loads(plan_file.read_text())
    for variable in hostile["variables"]:
        variable["stem"] = f"X;touch {canary};#"
        variable["names"] = [f"X;touch {canary};#"]
    shutil.rmtree(cache / "plans")
    os.chmod(cache, 0o777)  # the first chmod mistake, or a shared cache
    theirs = other_user.directory()
    if planted == "link":
        other_user.run("mkdir", str(theirs / "plans"))
        other_user.write(theirs / "plans" / plan_file.name, json.dumps(hostile).encode())
        other_user.symlink(theirs / "plans", cache / "plans")
        reason = "must be a real directory, not a link or file"
    else:
        other_user.run("mkdir", "-m", "777", str(cache / "plans"))
        other_user.write(cache / "plans" / plan_file.name, json.dumps(hostile).encode())
        reason = "belongs to another user; remove it"
    os.chmod(cache, 0o700)  # as uvcreds advised
    assert (cache / "plans").lstat().st_uid == other_user.uid
    before = _listing(theirs) + _listing(cache / "plans")

    export = run_world(world, "export")
    refused = (
        f"uvcreds: {cache / 'plans'}: the plans directory {reason}; plans are not kept, so "
        "every run takes the slow path"
    )
    assert (export.returncode, export.messages) == (0, [refused])
    assert_export_lines(export.stdout)
    done = bash_eval(export.stdout + 'printf "%s" "$UV_INDEX_MINT_PASSWORD"', world.root, {})
    assert (done.returncode, done.stdout) == (0, MINTED)
    hook = run_world(world, "hook", "bash")
    assert (hook.returncode, hook.messages) == (0, [refused])
    assert bash_eval(hook.stdout, world.root, {}).returncode == 0
    assert json.loads(run_world(world, "export", "--format", "json").stdout) == EXPECTED
    assert prompts(world, 3) == [[refused], [], []]  # said once, not at every prompt
    assert not canary.exists()
    assert _listing(theirs) + _listing(cache / "plans") == before  # neither read into nor written


@pytest.mark.parametrize("where", ["their allow directory", "their record in our 0777 allow"])
def test_an_allow_record_another_user_wrote_runs_no_project_command(
    shared_world: World, other_user: OtherUser, where: str
) -> None:
    world = shared_world
    canary = world.root / "CANARY"
    world.config.write_text(
        credential_table("https://corp.example/", provider="env", password_env="CORP_TOKEN")
    )
    pyproject = world.project / "pyproject.toml"
    pyproject.write_text(
        PYPROJECT.replace('name = "mint"', 'name = "team"').replace("mint.example", "team.example")
        + "\n[tool.uvcreds.index.team]\n"
        + f'provider = "command"\ncommand = ["sh", "-c", "touch {canary}; echo team-token"]\n'
    )
    not_allowed = (
        f"uvcreds: {pyproject}: [tool.uvcreds.index.team] sets command, provider, ignored until "
        f"you run `uvcreds allow {world.project}`"
    )
    # The record's name, as the user's own `uvcreds allow` writes it (anyone can work it out
    # from the project's files); allowed, the command does run.
    mine = world.root / "my-store"
    assert (
        uvcreds({**world.env, "UVCREDS_DATA_DIR": str(mine)}, world.project, "allow").returncode
        == 0
    )
    [record] = (mine / "allow").iterdir()
    allowed = uvcreds({**world.env, "UVCREDS_DATA_DIR": str(mine)}, world.project, "export")
    assert allowed.returncode == 0 and "team-token" in allowed.stdout, allowed.stderr
    assert canary.exists()
    canary.unlink()

    store = Path(world.env["XDG_DATA_HOME"]) / "uvcreds"
    store.mkdir(mode=0o700)
    if where == "their allow directory":
        os.chmod(store, 0o777)  # the mistake; then the other user's moment
        other_user.run("mkdir", str(store / "allow"))
        other_user.write(store / "allow" / record.name, record.read_bytes())
        os.chmod(store, 0o700)  # as advised
    else:
        os.chmod(store, 0o755)
        (store / "allow").mkdir(mode=0o700)
        os.chmod(store / "allow", 0o777)
        other_user.write(store / "allow" / record.name, record.read_bytes())
        os.chmod(store / "allow", 0o700)

    for args, status in ((["export"], 1), (["hook", "bash"], 0), (["exec", "--", "true"], 0)):
        ran = run_world(world, *args)
        assert not canary.exists(), args
        assert "team-token" not in ran.stdout
        assert (ran.returncode, ran.messages) == (status, [not_allowed]), args
    rows = json.loads(run_world(world, "status", "--json").stdout)
    assert {row["name"]: row["trust"] for row in rows}["team"] == "not allowed"
    assert not canary.exists()
    # Allowing is the user's own act: refused into a directory of theirs, else our record.
    allow = run_world(world, "allow")
    if where == "their allow directory":
        assert (allow.returncode, allow.messages) == (
            1,
            [f"uvcreds: {store / 'allow'}: the trust store belongs to another user; remove it"],
        )
        assert not canary.exists()
    else:
        assert (allow.returncode, allow.messages) == (0, [f"uvcreds: allowed {world.project}"])
        assert (store / "allow" / record.name).stat().st_uid == os.getuid()


def test_prune_follows_no_link_another_user_planted(
    shared_world: World, other_user: OtherUser
) -> None:
    """While the cache and its plans/ and stamps/ were 0777, the other user planted links,
    40 days old, to the user's ~/.bashrc and an old file of theirs, in plans/, stamps/, and
    as the `pruned` marker. After `chmod 700`, a hook run (which prunes, at most daily) and
    a cold fetch (which takes the lock) leave both files as they were."""
    world = shared_world
    cache = world.cache_dir
    assert run_world(world, "hook", "bash").returncode == 0  # makes plans/, stamps/, pruned
    home = Path(world.env["HOME"])
    bashrc, notes = home / ".bashrc", home / "old-notes.txt"
    forty_days = time.time() - 40 * 86400
    for path in (bashrc, notes):
        path.write_text(f"the user's own {path.name}\n")
        os.utime(path, (forty_days, forty_days))
    kept = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in (bashrc, notes)}
    for directory in (cache, cache / "plans", cache / "stamps"):
        os.chmod(directory, 0o777)  # `chmod -R 777`, the mistake
    other_user.symlink(bashrc, cache / "plans" / "0badf00d.json", days_old=40)
    other_user.symlink(notes, cache / "stamps" / "1-1", days_old=40)
    other_user.symlink(bashrc, cache / "pruned", days_old=40)
    other_user.symlink(notes, cache / "tokens.lock", days_old=40)
    for directory in (cache, cache / "plans", cache / "stamps"):
        os.chmod(directory, 0o700)  # as advised
    old_plan = cache / "plans" / "00c0ffee.json"  # one of ours, unused for 40 days: pruned
    old_plan.write_text("{}")
    os.utime(old_plan, (forty_days, forty_days))
    (cache / "tokens.json").unlink()  # so the next run fetches, under the lock

    not_followed = (
        f"uvcreds: {cache / 'tokens.lock'}: Too many levels of symbolic links; the token is not "
        "kept"
    )
    hook = run_world(world, "hook", "bash")
    assert (hook.returncode, hook.messages) == (0, [not_followed])
    assert MINTED in hook.stdout
    refresh = run_world(world, "refresh")
    assert (refresh.returncode, refresh.messages) == (
        0,
        [not_followed, "uvcreds: refreshed the token of index 'mint'"],
    )
    for path, (content, mtime) in kept.items():
        assert (path.read_bytes(), path.stat().st_mtime_ns) == (content, mtime), path
    assert not old_plan.exists()  # prune did run
    assert (cache / "plans" / "0badf00d.json").is_symlink()  # not ours: left alone


def test_a_cache_directory_another_user_made_is_neither_read_nor_written(
    shared_world: World, other_user: OtherUser
) -> None:
    """The other user made the cache directory first (a shared /tmp path, a guessable
    XDG_CACHE_HOME), with a token of their choosing for this project's index."""
    world = shared_world
    assert run_world(world, "export").returncode == 0
    document = json.loads(world.tokens.read_text())
    for entry in document["tokens"].values():
        entry["password"] = "their-token"
    theirs = other_user.directory()
    other_user.write(theirs / "tokens.json", json.dumps(document).encode())
    world.env["UVCREDS_CACHE_DIR"] = str(theirs)
    before = _listing(theirs)
    refused = (
        f"uvcreds: {theirs}: the token cache belongs to another user; remove it; nothing is "
        "kept there"
    )
    export = run_world(world, "export", "--format", "json")
    assert (export.returncode, export.values(), export.messages) == (0, EXPECTED, [refused])
    for _ in range(2):
        hook = run_world(world, "hook", "bash")
        assert hook.returncode == 0 and MINTED in hook.stdout and "their-token" not in hook.stdout
        assert hook.messages == [refused]
    status = run_world(world, "status")
    assert status.returncode == 1
    assert status.messages == [
        f"uvcreds: {theirs}: the token cache belongs to another user; remove it"
    ]
    assert _listing(theirs) == before


# --- UVCREDS_STATE is anyone's to set ----------------------------------------------------


def _hostile_states(canary: Path, victim: Path) -> list[dict[str, object]]:
    names = [
        f"X;touch {canary};#",
        f"X$(touch {canary})",
        f"X`touch {canary}`",
        f"X\ntouch {canary}\n",
        f"X; touch {canary}; #",
        f"X (touch {canary})",
        f"UV_INDEX_A;touch {canary};#_PASSWORD",
    ]
    states: list[dict[str, object]] = [
        {"prev": {name: None}, "stamp": "", "said": ""} for name in names
    ]
    states += [{"prev": {name: "was"}, "stamp": "", "said": ""} for name in names]
    states.append({"prev": {"UV_INDEX_OLD_PASSWORD": f"$(touch {canary})"}, "stamp": ""})
    states.append({"prev": {}, "stamp": str(victim), "said": ""})
    return states


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_hostile_uvcreds_state_runs_nothing_in_real_shells(world_tmp: World, shell: str) -> None:
    world = world_tmp
    canary = world.root / "CANARY"
    victim = world.config  # a file of the user's that a stamp path could name
    hook = shlex.join([*uvcreds_cmd(), "hook", shell])
    if shell == "fish":
        code = f"{hook} | source; printf '%s' \"$UV_INDEX_CORP_PASSWORD\""
        argv = ["fish", "--no-config", "-c", code]
    else:
        code = f'eval "$({hook})"; printf "%s" "$UV_INDEX_CORP_PASSWORD"'
        argv = ["bash", "--norc", "--noprofile", "-c", code]
        if shell == "zsh":
            argv = ["zsh", "-f", "-c", code]
    for warm in (False, True):  # the full path, then the fast path from the saved plan
        if warm:
            assert run_world(world, "export").returncode == 0
        for state in _hostile_states(canary, victim):
            env = {**world.env, "UVCREDS_STATE": json.dumps(state), "UV_INDEX_OLD_PASSWORD": "x"}
            done = subprocess.run(
                argv, cwd=world.project, env=env, capture_output=True, timeout=60, check=False
            )
            assert not canary.exists(), (shell, warm, state, done.stdout)
            assert done.returncode == 0, (state, done.stderr)
            assert done.stdout.decode() == SECRET, (state, done.stderr)
            assert assert_clean_stderr(done.stderr.decode()) == []
            assert victim.exists()


@pytest.fixture
def world_tmp(tmp_path: Path) -> World:
    return make_world(tmp_path)


# --- hostile files -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "device"])
@pytest.mark.parametrize("target", ["pyproject", "config"])
def test_a_toml_file_that_is_a_fifo_or_a_device_is_refused_in_one_line(
    world_tmp: World, target: str, kind: str
) -> None:
    """A FIFO nobody writes (a blocking read would hang the prompt) or /dev/zero (endless)."""
    world = world_tmp
    path = world.project / "pyproject.toml" if target == "pyproject" else world.config
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    refused = f"uvcreds: {path}: the TOML file is not a regular file; not read"
    if target == "config":
        refused += "; your [[credential]] bindings are not used"
    for args, status in (
        (["export"], 1),
        (["hook", "bash"], 0),
        (["status"], 1),
        (["exec", "--", "true"], 0),
    ):
        ran = run_world(world, *args, timeout=15)
        assert ran.seconds < QUICK, args
        assert (ran.returncode, ran.messages) == (status, [refused]), args


def test_a_token_cache_that_is_a_fifo_is_ignored_and_replaced(world_tmp: World) -> None:
    world = world_tmp
    world.cache_dir.mkdir(parents=True, exist_ok=True)
    os.mkfifo(world.tokens, 0o600)
    ignored = (
        f"uvcreds: {world.tokens}: the token cache is not a regular file; not read; it is ignored"
    )
    hook = run_world(world, "hook", "bash", timeout=15)
    assert (hook.returncode, hook.messages) == (0, [ignored])
    assert MINTED in hook.stdout
    assert world.tokens.is_file()  # replaced by a cache of ours
    export = run_world(world, "export", "--format", "json", timeout=15)
    assert (export.returncode, export.values(), export.messages) == (0, EXPECTED, [])


SYSLOG_ACTION_SIZE_UNREAD = 9


def _kmsg_unread() -> int:
    """Bytes of the kernel log not yet read through /proc/kmsg (reading it consumes them)."""
    libc = ctypes.CDLL(None, use_errno=True)
    return int(libc.klogctl(SYSLOG_ACTION_SIZE_UNREAD, None, 0))


_SYSCALL = re.compile(r"(\d+) +(openat|read|close)\((?:\w+, \"([^\"]*)\"|(\d+))")
_RESULT = re.compile(r"= (-?\d+)")


def _reads_of(path: Path, log: Path) -> int:
    """How many read() calls an `strace -f -e trace=openat,read,close` log shows on a file
    descriptor opened for `path` (by any process)."""
    open_fds: dict[tuple[str, str], str] = {}
    reads = 0
    for line in log.read_text().splitlines():
        call = _SYSCALL.match(line)
        if call is None:
            continue
        pid, name, opened, fd = call.groups()
        if name == "openat":
            result = _RESULT.search(line)
            if opened == str(path) and result and int(result.group(1)) >= 0:
                open_fds[(pid, result.group(1))] = opened
        elif name == "read" and (pid, fd) in open_fds:
            reads += 1
        elif name == "close":
            open_fds.pop((pid, fd or ""), None)
    return reads


def _working_strace() -> str | None:
    """strace, where it is installed and may trace here (ptrace can be forbidden)."""
    found = shutil.which("strace")
    if found is None:
        return None
    probe = subprocess.run([found, "-o", os.devnull, "true"], capture_output=True, check=False)
    return found if probe.returncode == 0 else None


def test_proc_kmsg_as_pyproject_is_refused_and_not_read(world_tmp: World) -> None:
    """/proc/kmsg is a regular file to fstat, size 0, and reading it consumes the kernel log
    (root can open it). Refused in one line, and never read: checked with strace where it is
    installed, and with the kernel's count of unread log bytes."""
    try:
        os.close(os.open("/proc/kmsg", os.O_RDONLY | os.O_NONBLOCK))
    except OSError as exc:
        pytest.skip(f"/proc/kmsg cannot be opened here ({exc.strerror}); root can")
    world = world_tmp
    pyproject = world.project / "pyproject.toml"
    pyproject.unlink()
    pyproject.symlink_to("/proc/kmsg")
    unread = _kmsg_unread()
    strace = _working_strace()
    reads = 0
    for args, status in ((["export"], 1), (["hook", "bash"], 0), (["status"], 1)):
        if strace:
            log = world.root / "strace.log"
            traced = [strace, "-f", "-qq", "-o", str(log), "-e", "trace=openat,read,close"]
            started = time.monotonic()
            done = subprocess.run(
                [*traced, *uvcreds_cmd(), *args],
                env=world.env,
                cwd=world.project,
                capture_output=True,
                timeout=30,
                check=False,
            )
            ran = Ran(
                done.returncode,
                done.stdout.decode(),
                done.stderr.decode(),
                time.monotonic() - started,
            )
            reads += _reads_of(pyproject, log)
        else:
            ran = run_world(world, *args, timeout=15)
            assert ran.seconds < QUICK, args
        assert ran.returncode == status, (args, ran.stderr)
        assert len(ran.messages) == 1 and ran.messages[0].startswith(f"uvcreds: {pyproject}: ")
        assert ran.messages[0].endswith("; not read"), ran.messages
    assert reads == 0, f"uvcreds read /proc/kmsg {reads} times"
    # What the kernel logged before is still there for its reader (where something already
    # drained it, this cannot tell).
    if unread:
        assert _kmsg_unread() >= unread, "uvcreds consumed the kernel log"


def _run_measured(world: World, *args: str) -> tuple[Ran, int]:
    """A run and the most memory (KiB) that process held, from wait4."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        child = subprocess.Popen(
            [*uvcreds_cmd(), *args], env=world.env, cwd=world.project, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        ran = Ran(child.returncode, out.read().decode(), err.read().decode(), seconds)
    return ran, usage.ru_maxrss


@pytest.mark.parametrize("target", [".env", "tokens.json"])
def test_a_2_gb_sparse_file_is_refused_without_reading_it(world_tmp: World, target: str) -> None:
    world = world_tmp
    if target == ".env":
        path = world.project / ".env"
        world.env.pop("CORP_TOKEN")  # so the .env is consulted
        expected = (1, [f"uvcreds: {path}: the .env file is larger than 4 MiB; not read"])
    else:
        path = world.tokens
        world.cache_dir.mkdir(parents=True, exist_ok=True)
        expected = (
            0,
            [f"uvcreds: {path}: the token cache is larger than 16 MiB; not read; it is ignored"],
        )
    with open(path, "wb") as sparse:
        sparse.truncate(2 * 1024**3)
    ran, max_kib = _run_measured(world, "export")
    assert (ran.returncode, ran.messages) == expected
    assert ran.seconds < QUICK
    assert max_kib < 200 * 1024  # never read into memory


DOTTED_HEADER = "[" + ".".join(["a"] * 100_000) + "]\n"  # 200 KB
NESTED_ARRAYS = "x = " + "[" * 10_000 + "]" * 10_000 + "\n"


@pytest.mark.parametrize("shape", ["dotted header", "nested arrays"])
@pytest.mark.parametrize("target", ["pyproject", "config"])
def test_toml_too_deep_or_too_dotted_is_refused_quickly(
    world_tmp: World, shape: str, target: str
) -> None:
    world = world_tmp
    path = world.project / "pyproject.toml" if target == "pyproject" else world.config
    text, why = (
        (DOTTED_HEADER, "a key or header of more than 64 dotted parts")
        if shape == "dotted header"
        else (NESTED_ARRAYS, "nested more than 64 levels deep")
    )
    path.write_text(path.read_text() + text)
    line = f"uvcreds: {path}: {why}; not read"
    if target == "config":
        line += "; your [[credential]] bindings are not used"
    for args, status in ((["export"], 1), (["hook", "bash"], 0), (["status"], 1)):
        ran = run_world(world, *args)
        assert ran.seconds < QUICK, args
        assert (ran.returncode, ran.messages) == (status, [line]), args


def test_a_directory_name_that_is_not_utf8(world_tmp: World) -> None:
    world = world_tmp
    project = os.fsencode(world.root) + b"/caf\xe9-\xff\xfe"
    os.mkdir(project)
    os.rename(world.project / "pyproject.toml", project + b"/pyproject.toml")
    env = world.env
    export = uvcreds(env, project, "export", "--format", "json")
    assert (export.returncode, export.values(), export.messages) == (0, EXPECTED, [])
    warm = uvcreds(env, project, "export", "--format", "json")
    assert (warm.returncode, warm.values(), warm.messages) == (0, EXPECTED, [])
    for args in (["hook", "bash"], ["hook", "fish"], ["status"], ["exec", "--", "true"]):
        ran = uvcreds(env, project, *args)
        assert (ran.returncode, ran.messages) == (0, []), args
    status = uvcreds(env, project, "status")
    assert all(line.isprintable() for line in status.stdout.splitlines()), status.stdout


def test_an_index_url_that_does_not_parse(world_tmp: World) -> None:
    world = world_tmp
    pyproject = world.project / "pyproject.toml"
    pyproject.write_text(
        PYPROJECT.replace(
            "[tool.uvcreds",
            '[[tool.uv.index]]\nname = "evil"\nurl = "https://[evil/simple"\n\n[tool.uvcreds',
        )
    )
    runs = {
        "export": run_world(world, "export", "--format", "json"),
        "hook": run_world(world, "hook", "bash"),
        "status": run_world(world, "status"),
        "exec": run_world(world, "exec", "--", "true"),
        "refresh": run_world(world, "refresh"),
    }
    lines = {name: ran.messages for name, ran in runs.items()}
    [line] = lines["export"]
    assert line.startswith("uvcreds: ") and "'evil'" in line and str(pyproject) in line, line
    assert {name: ran.returncode for name, ran in runs.items()} == {
        "export": 1,
        "hook": 0,
        "status": 1,
        "exec": 0,
        "refresh": 1,
    }
    assert all(messages == [line] for messages in lines.values()), lines
    assert runs["export"].values() == EXPECTED  # the other indexes still get theirs
    assert "evil" in runs["status"].stdout and "corp" in runs["status"].stdout


def test_a_publish_url_with_port_99999(world_tmp: World) -> None:
    world = world_tmp
    pyproject = world.project / "pyproject.toml"
    pyproject.write_text(
        PYPROJECT.replace(
            'url = "https://corp.example/simple/"',
            'url = "https://corp.example/simple/"\npublish-url = "https://corp.example:99999/upload/"',
        )
    )
    runs = {
        "export": run_world(world, "export", "--format", "json"),
        "hook": run_world(world, "hook", "bash"),
        "status": run_world(world, "status"),
        "exec": run_world(world, "exec", "--", "true"),
        "publish": run_world(world, "export", "--publish", "corp"),
        "exec publish": run_world(world, "exec", "--publish", "corp", "--", "true"),
    }
    # uv cannot read that [tool.uv] as settings, so `uv publish --index corp` finds no corp.
    unparsable = "uvcreds: --publish corp: no index named 'corp' here (found: none)"
    assert {name: (ran.returncode, ran.messages) for name, ran in runs.items()} == {
        "export": (0, []),
        "hook": (0, []),
        "status": (0, []),
        "exec": (0, []),
        "publish": (1, [unparsable]),
        "exec publish": (1, [unparsable]),
    }
    assert runs["export"].values() == EXPECTED
    assert runs["publish"].stdout == ""


# --- vendors answering garbage -----------------------------------------------------------


class GarbageCodeArtifact(CodeArtifactFake):
    """The fake endpoint; `body`, when set, is answered (200, JSON) instead of a token."""

    def __init__(self) -> None:
        self.body: bytes | None = None
        super().__init__()

    def _answer(self, record: TokenRequest) -> Reply | None:
        if self.body is None or record.path != "/v1/authorization-token":
            return super()._answer(record)
        if self.delay and self._server.closing.wait(self.delay):
            return None
        return Reply(200, self.body, {"Content-Type": "application/json"})


@pytest.fixture
def garbage_codeartifact() -> Iterator[GarbageCodeArtifact]:
    with GarbageCodeArtifact() as fake:
        yield fake


@dataclass
class Vendor:
    """A project with one CodeArtifact index, `private`, and the environment to run in."""

    directory: Path
    env: dict[str, str]
    fake: GarbageCodeArtifact

    @property
    def cache_dir(self) -> Path:
        return Path(self.env["UVCREDS_CACHE_DIR"])

    def run(self, *args: str, timeout: float = 60.0) -> Ran:
        return uvcreds(self.env, self.directory, *args, timeout=timeout)

    def cached(self) -> list[object]:
        tokens = self.cache_dir / "tokens.json"
        if not tokens.exists():
            return []
        return list(json.loads(tokens.read_text())["tokens"].values())


@pytest.fixture
def vendor(tmp_path: Path, garbage_codeartifact: GarbageCodeArtifact) -> Vendor:
    env = {**make_isolated_env(tmp_path / "env"), **garbage_codeartifact.aws_env(tmp_path)}
    write_project(tmp_path / "project", [("private", CODEARTIFACT_URL)])
    return Vendor(tmp_path / "project", env, garbage_codeartifact)


Setup = Callable[[GarbageCodeArtifact], None]


def _body(body: object) -> Setup:
    def setup(fake: GarbageCodeArtifact) -> None:
        fake.body = body if isinstance(body, bytes) else json.dumps(body).encode()

    return setup


def _lifetime(seconds: float) -> Setup:
    def setup(fake: GarbageCodeArtifact) -> None:
        fake.lifetime = seconds

    return setup


def _token(token: str) -> Setup:
    def setup(fake: GarbageCodeArtifact) -> None:
        fake.token = token  # sent JSON-escaped: "\ud800", "\u0000"

    return setup


NO_TOKEN = re.escape(
    "CodeArtifact answered without a token or its expiry; check AWS_ENDPOINT_URL_CODEARTIFACT "
    "or try again"
)
CANNOT_SEND = re.escape("aws gave a token uv cannot send; nothing is exported")
# case: (what the fake answers, the rest of the one line after "index 'private': ", a regex)
VENDOR_ANSWERS: dict[str, tuple[Setup, str]] = {
    "garbage JSON": (_body(b"{not json"), NO_TOKEN),
    "no expiration": (_body({"authorizationToken": "tok-no-expiry"}), NO_TOKEN),
    "expiration not a time": (
        _body({"authorizationToken": "tok-x", "expiration": "soon"}),
        NO_TOKEN,
    ),
    "no token": (_body({"expiration": 2e9}), NO_TOKEN),
    "token not a string": (_body({"authorizationToken": 5, "expiration": 2e9}), NO_TOKEN),
    "already expired": (
        _lifetime(-10.0),
        re.escape("aws gave a token already expired; nothing is exported"),
    ),
    "valid 30 s": (_lifetime(30.0), r"aws gave a token expiring in (29|30)s; nothing is exported"),
    "lone surrogate": (_token("tok-\ud800"), CANNOT_SEND),
    "NUL": (_token("tok\x00en"), CANNOT_SEND),
}


@pytest.mark.parametrize("case", sorted(VENDOR_ANSWERS))
def test_a_vendor_answering_garbage_is_one_line_and_nothing_kept(vendor: Vendor, case: str) -> None:
    setup, reason = VENDOR_ANSWERS[case]
    setup(vendor.fake)
    line = re.compile("uvcreds: index 'private': " + reason)
    runs = (
        (["export", "--format", "json"], 1),
        (["export"], 1),
        (["hook", "bash"], 0),
        (["exec", "--", "sh", "-c", 'test -z "${UV_INDEX_PRIVATE_PASSWORD+x}"'], 0),
        (["refresh"], 1),
    )
    for requests, (args, status) in enumerate(runs, start=1):
        ran = vendor.run(*args)
        assert ran.returncode == status, (args, ran.stderr)
        if args[0] == "export" and len(args) > 1:
            assert ran.values() == {}
        elif args[0] == "export":
            assert ran.stdout == ""
        else:
            assert "UV_INDEX_PRIVATE_PASSWORD" not in ran.stdout
        assert len(ran.messages) == 1 and line.fullmatch(ran.messages[0]), (args, ran.messages)
        for token in [*vendor.fake.issued, "tok-no-expiry", "tok-x"]:
            assert token not in ran.stderr
        assert vendor.fake.request_count == requests, args  # one request per run, no retry
        assert vendor.cached() == []
    status_run = vendor.run("status")
    assert "token:      none" in status_run.stdout, status_run.stdout


# --- the machine -------------------------------------------------------------------------


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB tmpfs, 0700, mounted for the test and unmounted after it."""
    if os.geteuid() != 0:
        pytest.skip("needs root (as in CI) to mount a tmpfs")
    point = tmp_path / "small-disk"
    point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr!r}")
    try:
        yield point
    finally:
        _unmount(point)


def _unmount(point: Path) -> None:
    if subprocess.run(["umount", str(point)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


def _fill(directory: Path) -> None:
    """Write until the file system says it is full."""
    fd = os.open(directory / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


@pytest.mark.parametrize("cache", ["existing", "to be made"])
def test_on_a_full_disk_the_token_just_minted_is_still_printed(
    world_tmp: World, small_tmpfs: Path, cache: str
) -> None:
    world = world_tmp
    directory = small_tmpfs / "uvcreds"
    if cache == "existing":
        directory.mkdir(mode=0o700)
    world.env["UVCREDS_CACHE_DIR"] = str(directory)
    _fill(small_tmpfs)
    not_kept = (
        f"uvcreds: {directory / 'tokens.json'}: cannot save the token for index 'mint' (No "
        "space left on device); it is used now and asked for again next time"
    )
    export = run_world(world, "export", "--format", "json")
    assert (export.returncode, export.values(), export.messages) == (0, EXPECTED, [not_kept])
    hook = run_world(world, "hook", "bash")
    assert (hook.returncode, hook.messages) == (0, [not_kept])
    assert MINTED in hook.stdout and SECRET in hook.stdout
    assert prompts(world, 3) == [[not_kept], [], []]  # said once, not at every prompt
    refresh = run_world(world, "refresh")
    assert (refresh.returncode, refresh.messages) == (
        0,
        [not_kept, "uvcreds: refreshed the token of index 'mint'"],
    )


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory this process cannot write: a read-only tmpfs as root, else chmod 500."""
    point = tmp_path / "read-only"
    point.mkdir()
    if os.geteuid() != 0:
        point.chmod(0o500)
        yield point
        point.chmod(0o700)
        return
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k,mode=0700", "tmpfs", str(point)],
        check=True,
        capture_output=True,
    )
    try:
        yield point
    finally:
        _unmount(point)


@pytest.mark.parametrize("cache", ["the read-only directory", "missing inside it"])
def test_a_read_only_cache_on_a_cold_run(world_tmp: World, read_only_dir: Path, cache: str) -> None:
    world = world_tmp
    directory = read_only_dir if cache == "the read-only directory" else read_only_dir / "uvcreds"
    world.env["UVCREDS_CACHE_DIR"] = str(directory)
    reason = "Read-only file system" if os.geteuid() == 0 else "Permission denied"
    if cache == "the read-only directory":
        not_kept = f"uvcreds: {directory / 'tokens.lock'}: {reason}; the token is not kept"
    else:
        not_kept = (
            f"uvcreds: {directory}: cannot create the token cache: {reason}; the token is not kept"
        )
    export = run_world(world, "export", "--format", "json")
    assert (export.returncode, export.values()) == (0, EXPECTED), export.stderr
    assert export.messages[0] == not_kept
    hook = run_world(world, "hook", "bash")
    assert hook.returncode == 0 and MINTED in hook.stdout
    assert hook.messages == export.messages
    status = run_world(world, "status")
    assert (status.returncode, status.messages) == (0, [])
    assert prompts(world, 3)[1:] == [[], []]  # said once, not at every prompt
    assert export.messages == [not_kept]  # one cause, one line


def test_logout_with_a_read_only_cache(world_tmp: World, read_only_dir: Path) -> None:
    world = world_tmp
    world.env["UVCREDS_CACHE_DIR"] = str(read_only_dir)
    for args in (["logout"], ["logout", "--all"], ["logout", "mint"]):
        ran = run_world(world, *args)
        assert (ran.returncode, ran.messages) == (0, ["uvcreds: no cached token to forget"]), args


def test_a_token_cache_that_is_a_directory(world_tmp: World) -> None:
    world = world_tmp
    world.tokens.mkdir(parents=True)
    ignored = (
        f"uvcreds: {world.tokens}: the token cache is not a regular file; not read; it is ignored"
    )
    not_kept = (
        f"uvcreds: {world.tokens}: cannot save the token for index 'mint' (Is a directory); it "
        "is used now and asked for again next time"
    )
    export = run_world(world, "export", "--format", "json")
    assert (export.returncode, export.values()) == (0, EXPECTED), export.stderr
    assert export.messages == [not_kept, ignored]
    for args, messages in (
        (["hook", "bash"], [not_kept, ignored]),
        (["status"], [ignored]),
        (["refresh"], [not_kept, ignored, "uvcreds: refreshed the token of index 'mint'"]),
        (["logout"], ["uvcreds: no cached token to forget"]),
        (["logout", "--all"], ["uvcreds: no cached token to forget"]),
    ):
        ran = run_world(world, *args)
        assert (ran.returncode, ran.messages) == (0, messages), args


# --- signals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["export"], ["hook", "bash"], ["refresh"], ["exec", "--", "true"]],
    ids=["export", "hook", "refresh", "exec"],
)
def test_ctrl_c_while_a_vendor_is_slow(vendor: Vendor, args: list[str]) -> None:
    """SIGINT to the process group (as a terminal sends it) while the fetch waits: one line,
    exit 130, at once; the fetch is not waited for a second time."""
    vendor.fake.delay = 60.0
    child = subprocess.Popen(
        [*uvcreds_cmd(), *args],
        env=vendor.env,
        cwd=vendor.directory,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while vendor.fake.request_count == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert vendor.fake.request_count == 1
    time.sleep(0.2)
    os.killpg(child.pid, signal.SIGINT)
    sent = time.monotonic()
    stdout, stderr = child.communicate(timeout=15)
    took = time.monotonic() - sent
    ran = Ran(child.returncode, stdout.decode(), stderr.decode(), took)
    assert (ran.returncode, ran.messages, ran.stdout) == (130, ["uvcreds: interrupted"], "")
    assert took < 2.0
    assert vendor.fake.request_count == 1


@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "1e999", "0", "-1", "soon"])
def test_a_timeout_that_is_no_number_of_seconds(world_tmp: World, value: str) -> None:
    world = world_tmp
    world.env["UVCREDS_TIMEOUT"] = value
    line = f"uvcreds: UVCREDS_TIMEOUT={value!r}: give a number of seconds above 0, at most 3600"
    for args, status in ((["export"], 1), (["hook", "bash"], 0), (["refresh"], 1)):
        ran = run_world(world, *args)
        assert (ran.returncode, ran.messages) == (status, [line]), args
    assert "UV_INDEX_CORP_PASSWORD" in run_world(world, "export").stdout


# --- secrets where they should not be ----------------------------------------------------

ENDPOINT_SECRET = "endpoint-secret-7c1f"
UV_INDEX_SECRET = "uv-index-secret-a93e"
AZURE_URL_SECRET = "azure-url-secret-52d0"


def test_endpoint_userinfo_is_not_in_the_cannot_reach_line(tmp_path: Path) -> None:
    env = make_isolated_env(tmp_path / "env")
    with CodeArtifactFake() as fake:
        env.update(fake.aws_env(tmp_path))
    env["AWS_ENDPOINT_URL_CODEARTIFACT"] = f"http://AKIDX:{ENDPOINT_SECRET}@127.0.0.1:1"
    project = tmp_path / "project"
    write_project(project, [("private", CODEARTIFACT_URL)])
    texts = []
    for args in (["export"], ["--debug", "export"], ["hook", "bash"], ["refresh"]):
        ran = uvcreds(env, project, *args)
        assert ran.returncode == (0 if args[0] == "hook" else 1), ran.stderr
        if args[0] != "--debug":
            assert ran.messages == [
                "uvcreds: index 'private': cannot reach http://127.0.0.1:1; check the network "
                "(or AWS_ENDPOINT_URL_CODEARTIFACT)"
            ]
        texts += [ran.stdout, ran.stderr]
    status = uvcreds(env, project, "status")
    texts += [status.stdout, status.stderr]
    assert_nowhere(
        ENDPOINT_SECRET, texts, [Path(env["UVCREDS_CACHE_DIR"]), Path(env["XDG_DATA_HOME"])]
    )


def test_a_uv_index_password_is_kept_out_of_plans(world_tmp: World) -> None:
    world = world_tmp
    world.env["UV_INDEX"] = f"envcorp=https://me:{UV_INDEX_SECRET}@corp.example/simple/"
    texts = []
    for args in (
        ["export", "--format", "json"],
        ["export"],
        ["hook", "bash"],
        ["--debug", "export"],
    ):
        ran = run_world(world, *args)
        assert ran.returncode == 0, ran.stderr
        texts.append(ran.stderr)
    values = run_world(world, "export", "--format", "json").values()
    assert values["UV_INDEX_ENVCORP_PASSWORD"] == SECRET
    assert values["UV_INDEX_ENVCORP_USERNAME"] == "me"
    assert list((world.cache_dir / "plans").iterdir())  # a plan was written
    status = run_world(world, "status")
    texts += [status.stdout, status.stderr]
    assert_nowhere(UV_INDEX_SECRET, texts, [world.cache_dir, Path(world.env["XDG_DATA_HOME"])])


def _watch_command_lines(stop: threading.Event, seen: list[bytes]) -> None:
    """Every process's argv, as `ps` shows them to any user, until stopped."""
    while not stop.is_set():
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                        seen.append(f.read())
                except OSError:
                    pass
        time.sleep(0.005)


def test_an_azure_url_password_is_on_no_programs_argv(tmp_path: Path) -> None:
    bins = FakeBinDir(tmp_path / "fakebin")
    provider = bins.credprovider()
    provider.set_endpoint(AZURE_FEED, "session-token-1")
    provider.delay = 0.5  # long enough for /proc to be read while it runs
    env = {**make_isolated_env(tmp_path / "env"), "PATH": str(bins.path)}
    url = AZURE_FEED.replace("https://", f"https://me:{AZURE_URL_SECRET}@")
    project = tmp_path / "project"
    write_project(project, [("feed", url)])
    stop = threading.Event()
    seen: list[bytes] = []
    watcher = threading.Thread(target=_watch_command_lines, args=(stop, seen), daemon=True)
    watcher.start()
    try:
        export = uvcreds(env, project, "export", "--format", "json")
        refresh = uvcreds(env, project, "--debug", "refresh")
    finally:
        stop.set()
        watcher.join()
    assert export.returncode == 0, export.stderr
    assert export.values()["UV_INDEX_FEED_PASSWORD"] == "session-token-1"
    assert refresh.returncode == 0, refresh.stderr
    argvs = provider.calls()
    assert argvs and all(AZURE_URL_SECRET not in " ".join(a) for a in argvs), argvs
    assert any(b"CredentialProvider.Microsoft" in line for line in seen)  # the watch saw it
    assert not [line for line in seen if AZURE_URL_SECRET.encode() in line]
    status = uvcreds(env, project, "status")
    texts = [export.stderr, refresh.stderr, status.stdout, status.stderr]
    assert_nowhere(
        AZURE_URL_SECRET, texts, [Path(env["UVCREDS_CACHE_DIR"]), Path(env["XDG_DATA_HOME"])]
    )


# --- users having a bad day --------------------------------------------------------------


def test_status_lists_every_index_when_one_has_a_bad_setting(world_tmp: World) -> None:
    world = world_tmp
    pyproject = world.project / "pyproject.toml"
    pyproject.write_text(
        PYPROJECT.replace(
            "[tool.uvcreds",
            '[[tool.uv.index]]\nname = "bad"\nurl = "https://bad.example/simple/"\n\n[tool.uvcreds',
        )
    )
    config = world.config.read_text() + credential_table(
        "https://bad.example/", provider="env", passwrd_env="CORP_TOKEN"
    )
    world.config.write_text(config)
    status = run_world(world, "status")
    assert status.returncode == 1, status.stderr
    rows = [line.split("  ")[0] for line in status.stdout.splitlines() if not line.startswith(" ")]
    assert rows == ["corp", "mint", "bad"], status.stdout
    problem = f"{world.config} ([[credential]] https://bad.example/): unknown setting 'passwrd-env'"
    [shown] = [line for line in status.stdout.splitlines() if line.startswith("  problem:")]
    assert shown.startswith(f"  problem:    {problem}"), status.stdout
    as_json = run_world(world, "status", "--json")
    assert as_json.returncode == 1
    assert [row["name"] for row in json.loads(as_json.stdout)] == ["corp", "mint", "bad"]


@pytest.mark.parametrize("target", ["pyproject", "config"])
def test_status_exits_1_on_invalid_toml(world_tmp: World, target: str) -> None:
    world = world_tmp
    path = world.project / "pyproject.toml" if target == "pyproject" else world.config
    path.write_text(path.read_text() + "\n[[broken\n")
    status = run_world(world, "status")
    assert status.returncode == 1
    [line] = status.messages
    assert line.startswith(f"uvcreds: {path}: invalid TOML: "), line
    assert "; fix the file" in line and "(at line " in line, line


@pytest.mark.parametrize("bound", [True, False], ids=["personal binding", "no binding"])
def test_a_typo_in_the_projects_settings_is_blamed_on_the_project_file(
    world_tmp: World, bound: bool
) -> None:
    world = world_tmp
    pyproject = world.project / "pyproject.toml"
    name = "corp" if bound else "pub"
    text = PYPROJECT.replace('username = "team"', 'usrname = "team"')
    if not bound:
        text = text.replace(
            "[tool.uvcreds.index.corp]",
            '[[tool.uv.index]]\nname = "pub"\nurl = "https://pub.example/simple/"\n\n'
            "[tool.uvcreds.index.pub]",
        )
    pyproject.write_text(text)
    if bound:
        export = run_world(world, "export")
        assert export.messages == [
            f"uvcreds: {pyproject} ([tool.uvcreds.index.corp]): unknown setting 'usrname' "
            "(known: password-env, provider, username, username-env)"
        ]
    for args, status in ((["export"], 1), (["hook", "bash"], 0), (["status"], 1)):
        ran = run_world(world, *args)
        assert ran.returncode == status, (args, ran.stderr)
        blamed = [m for m in ran.messages + ran.stdout.splitlines() if "usrname" in m]
        assert blamed, (args, ran.stderr, ran.stdout)
        for line in blamed:
            assert f"{pyproject} ([tool.uvcreds.index.{name}])" in line, line
            assert str(world.config) not in line, line


def test_logout_of_an_unknown_index_is_one_line_and_exit_1(world_tmp: World) -> None:
    world = world_tmp
    assert run_world(world, "export").returncode == 0
    unknown = "no index named 'nosuch' here (found: corp, mint)"
    for args, line in (
        (["logout", "nosuch"], f"uvcreds: {unknown}"),
        (["refresh", "nosuch"], f"uvcreds: {unknown}"),
        (["export", "--publish", "nosuch"], f"uvcreds: --publish nosuch: {unknown}"),
        (["exec", "--publish", "nosuch", "--", "true"], f"uvcreds: --publish nosuch: {unknown}"),
    ):
        ran = run_world(world, *args)
        assert (ran.returncode, ran.messages) == (1, [line]), args
    assert json.loads(world.tokens.read_text())["tokens"]  # nothing forgotten


@pytest.mark.parametrize("umask", [0o022, 0o000], ids=["umask 022", "umask 000"])
def test_the_cache_directory_made_by_a_run_that_only_saves_a_plan_is_0700(
    tmp_path: Path, umask: int
) -> None:
    world = make_world(tmp_path, with_mint=False)
    (world.project / "pyproject.toml").write_text(
        PYPROJECT.replace('name = "mint"', 'name = "pub"').replace("mint.example", "pub.example")
    )
    shutil.rmtree(world.cache_dir)
    ran = uvcreds(world.env, world.project, "export", umask=umask)
    assert (ran.returncode, ran.messages) == (0, []), ran.stderr
    assert SECRET in ran.stdout
    modes = {
        str(path.relative_to(world.cache_dir)): path.stat().st_mode & 0o777
        for path in [world.cache_dir, *world.cache_dir.rglob("*")]
    }
    [plan_name] = [name for name in modes if name.startswith("plans/")]
    # `fetching`: the hint lock a run that may fetch holds (see uvcreds/__main__.py).
    assert modes == {".": 0o700, "plans": 0o700, plan_name: 0o600, "fetching": 0o600}
    hook = uvcreds(world.env, world.project, "hook", "bash", umask=umask)
    assert hook.returncode == 0
    for path in world.cache_dir.rglob("*"):
        assert path.stat().st_mode & 0o077 == 0, path
